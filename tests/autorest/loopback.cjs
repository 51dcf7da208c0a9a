// Loaded with `node --require ./loopback.cjs` before the AutoRest test server: it binds every
// interface by default, so every listen is forced onto 127.0.0.1, and the first one reports its
// port on stdout as one JSON line ({"port": N}) for the test that started it.
"use strict";
const net = require("net");

const original = net.Server.prototype.listen;
let reported = false;

net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (first !== null && typeof first === "object" && !(first instanceof net.Server) && !("fd" in first)) {
    args[0] = { ...first, host: "127.0.0.1" };
  } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    const rest = args.slice(1);
    if (typeof rest[0] === "string" || rest[0] === undefined || rest[0] === null) {
      rest.shift();
    }
    args = [Number(first), "127.0.0.1", ...rest];
  } else if (first === undefined || typeof first === "function") {
    args = [0, "127.0.0.1", ...args];
  }
  this.once("listening", () => {
    const address = this.address();
    if (address && address.address !== "127.0.0.1") {
      // Never serve beyond loopback, whatever the server asked for.
      console.error(`refusing to listen on ${address.address}`);
      process.exit(70);
    }
    if (!reported && address) {
      reported = true;
      process.stdout.write(JSON.stringify({ port: address.port }) + "\n");
    }
  });
  return original.apply(this, args);
};
