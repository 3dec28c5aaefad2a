# The two commands of the Quick start. Each installs what is missing, then runs.
#   make start   the embedded stack: Temporal dev server + Web UI, worker, API and support UI
#   make test    typecheck, lint (type-aware promise checks, the layers' import rules), the format
#                check, then the whole test suite against real servers
#   make cluster the production topology on this machine: PostgreSQL, the Temporal services as
#                separate processes, the API and two workers (cluster/; state in data/cluster)
.PHONY: start test bench deps tools cluster

deps: node_modules/.package-lock.json

# npm ci only when the lock file changed since the last install.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

tools: deps
	bash scripts/setup-tools.sh

start: tools
	npm start

# The suite comes last: its closing line `N passed, N failed` is what CI reads.
test: tools
	npm run typecheck
	npm run lint
	npm run format:check
	npm test

bench: tools
	npm run bench

cluster: tools
	npm run cluster
