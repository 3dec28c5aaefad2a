// A TCP relay for the partition test: listens on <listenHost>:<port> for each port and pipes every
// connection to <targetHost>:<same port>. One runs beside the cluster on the host end of a veth
// pair, one inside the worker's network namespace on its loopback, so the worker there keeps the
// cluster's 127.0.0.1 addresses (and TLS names) while every byte crosses the link the test cuts.
//   node --require tsx/cjs test/cluster/tcp-relay.ts <listenHost> <targetHost> <port>...
import net from 'node:net';

const [listenHost, targetHost, ...ports] = process.argv.slice(2);
if (!listenHost || !targetHost || ports.length === 0) {
  console.error('usage: tcp-relay.ts <listenHost> <targetHost> <port>...');
  process.exit(2);
}

let listening = 0;
for (const port of ports.map(Number)) {
  net
    .createServer((inbound) => {
      const outbound = net.connect(port, targetHost);
      const close = () => {
        inbound.destroy();
        outbound.destroy();
      };
      inbound.pipe(outbound).pipe(inbound);
      for (const socket of [inbound, outbound]) {
        socket.on('error', close);
        socket.on('close', close);
      }
    })
    .listen(port, listenHost, () => {
      listening += 1;
      if (listening === ports.length)
        console.log(`relaying ${listenHost} → ${targetHost}: ${ports.join(' ')}`);
    });
}
process.on('SIGTERM', () => process.exit(0));
