/**
 * sprig v3.3.0's network.go: getHostByName, one of the addresses net.LookupHost finds for a name
 * (picked with math/rand, as sprig does; a name that does not resolve panics in Intn, as in Go).
 *
 * Template functions are synchronous and node:dns is not, so the lookup runs on a worker thread
 * while this thread waits on a shared counter (Atomics.wait) and then takes the answer off a
 * message port (receiveMessageOnPort). The worker starts on the first lookup and stays for the
 * next ones (unref'd: it never keeps the process alive); a child process per lookup would cost a
 * Node start each time. dns.lookup is getaddrinfo: /etc/hosts, then DNS, as Go's resolver reads them.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { defineFunc, type GoFunc } from '../value.js';
import type { FuncContext } from './context.js';

/** The longest one lookup may take: a stalled resolver ends the render with an error, not a hang. */
const LOOKUP_TIMEOUT_MS = 20_000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const dns = require('node:dns');
const { port, signal } = workerData;
function answer(reply) {
  port.postMessage(reply);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}
port.on('message', (name) => {
  try {
    dns.lookup(name, { all: true, order: 'verbatim' }, (err, addrs) =>
      answer(err ? { code: err.code } : { addrs: addrs.map((a) => a.address) }),
    );
  } catch (err) {
    answer({ code: err.code });
  }
});
`;

interface Resolver {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signal: Int32Array;
}

let resolver: Resolver | undefined;

function startResolver(): Resolver {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { port: port2, signal },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  worker.once('exit', () => {
    if (resolver?.worker === worker) resolver = undefined;
  });
  return { worker, port: port1, signal };
}

/** Go's net.LookupHost(name) without its error: the addresses found, none when the name does not resolve. */
export function lookupHostSync(name: string): string[] {
  resolver ??= startResolver();
  const { port, signal } = resolver;
  const before = Atomics.load(signal, 0);
  port.postMessage(name);
  if (Atomics.wait(signal, 0, before, LOOKUP_TIMEOUT_MS) === 'timed-out') {
    // The answer may still come: a new worker keeps later lookups from reading it as theirs.
    void resolver.worker.terminate();
    resolver = undefined;
    throw new Error(
      `getHostByName: looking up ${JSON.stringify(name)} took longer than ${LOOKUP_TIMEOUT_MS / 1000}s`,
    );
  }
  const answer = receiveMessageOnPort(port)?.message as { addrs?: string[] } | undefined;
  return answer?.addrs ?? [];
}

export function networkFuncs(ctx: FuncContext): Record<string, GoFunc> {
  return {
    getHostByName: defineFunc('getHostByName', { params: ['string'], result: 'string' }, (name) => {
      const addrs = lookupHostSync(name as string);
      // rand.Intn(0) panics.
      if (addrs.length === 0) throw new Error('invalid argument to Intn');
      return addrs[Math.floor(ctx.random() * addrs.length)] as string;
    }),
  };
}
