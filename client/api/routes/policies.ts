// /v1/policies: the presets, and dry runs of the same evaluate() the workflow calls.
import { EvaluationInputSchema, evaluate, getPreset, listPresets, type Policy } from '../../../policies';
import { HttpError } from '../errors';
import { DecisionReply, PolicyListReply, PolicyReply } from '../responses';
import type { RouteTable } from '../route';

function preset(id: string): Policy {
  const policy = getPreset(id);
  if (!policy) throw new HttpError(404, `no policy ${id}`);
  return policy;
}

export function registerPolicyRoutes(routes: RouteTable): void {
  routes.add(
    {
      method: 'GET',
      url: '/v1/policies',
      access: 'any-key',
      tag: 'policies',
      summary: 'The preset policies',
      reply: PolicyListReply,
    },
    () => ({ policies: listPresets() }),
  );
  routes.add(
    {
      method: 'GET',
      url: '/v1/policies/:id',
      access: 'any-key',
      tag: 'policies',
      summary: 'One preset policy',
      reply: PolicyReply,
      responses: { 404: 'no such policy' },
    },
    ({ params }) => preset(params.id as string),
  );
  routes.add(
    {
      method: 'POST',
      url: '/v1/policies/:id/evaluate',
      access: 'any-key',
      tag: 'policies',
      summary: 'Dry run: the decision the policy would make for this input (nothing is stored)',
      body: EvaluationInputSchema,
      reply: DecisionReply,
      responses: { 400: 'invalid evaluation input', 404: 'no such policy' },
    },
    ({ params, body }) => evaluate(preset(params.id as string), body),
  );
}
