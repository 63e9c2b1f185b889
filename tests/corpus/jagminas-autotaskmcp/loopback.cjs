// Loaded with `node --require` into the MCP server by record.py; the server's code is not changed.
//
// The server's URLs are hard-wired to https://webservices15.autotask.net, so this sends its fetch()
// connections for any *.autotask.net host to the fake, served over TLS on loopback
// (AUTOTASK_CORPUS_LOOPBACK = "127.0.0.1:PORT"), checking the fake's certificate against
// AUTOTASK_CORPUS_CA for the name the URL carries: the request line, Host header and TLS name stay
// production's. It also keeps the server's own listener on loopback (it binds 0.0.0.0).
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const { Agent, buildConnector, setGlobalDispatcher } = require('undici');

const [host, port] = (process.env.AUTOTASK_CORPUS_LOOPBACK || '').split(':');
if (!host || !port || !process.env.AUTOTASK_CORPUS_CA) {
  throw new Error('AUTOTASK_CORPUS_LOOPBACK and AUTOTASK_CORPUS_CA must be set');
}
const connect = buildConnector({ ca: fs.readFileSync(process.env.AUTOTASK_CORPUS_CA) });
setGlobalDispatcher(new Agent({
  connect(options, callback) {
    if (!/(^|\.)autotask\.net$/i.test(options.hostname)) {
      callback(new Error(`no network here: ${options.hostname}`), null);
      return;
    }
    connect({ ...options, hostname: host, port: Number(port), servername: options.hostname }, callback);
  },
}));

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && args[1] === '0.0.0.0') args[1] = '127.0.0.1';
  return listen.apply(this, args);
};
