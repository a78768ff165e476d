// dynalite on a thread of its own: local mode's queries and writes then share the machine's
// cores with the API, the collector and the pollers instead of one event loop. Plain
// JavaScript, so that it starts the same under tsx and under jest.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const server = dynalite({ path: workerData.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once('error', (error) => parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) }));
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  // dynalite's close() also closes its LevelDB store, waiting for writes in flight.
  server.close((error) => {
    parentPort.postMessage({ stopped: true, ...(error ? { error: error.message } : {}) });
    parentPort.close();
  });
  server.closeAllConnections();
});
