// Asks a p2p daemon's gateway for the providers of a CID and for a peer's addresses with Helia's own client
// (@helia/delegated-routing-v1-http-api-client), and prints one JSON line per call:
//   {"call":"getProviders","records":[{"ID":"12D3…","Addrs":["/ip4/…"],"Protocols":[…]}]}
// Exit code 0 when both calls returned; the test judges the records. The client and its logger are imported from
// DELEGATED_ROUTING_CLIENT_DIR (a folder holding node_modules), so no install lands in the source tree.
// Usage: node drive.mjs http://127.0.0.1:PORT CID PEER_ID
import { pathToFileURL } from 'node:url'
import path from 'node:path'

// The client calls Promise.withResolvers (Node >= 22); on Node 20 it is supplied here, as in ../shared/peers.
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers () {
      let resolve, reject
      const promise = new this((res, rej) => { resolve = res; reject = rej })
      return { promise, resolve, reject }
    }
  })
}

const [gateway, cidText, peerText] = process.argv.slice(2)
if (!gateway || !cidText || !peerText) {
  console.error('usage: node drive.mjs http://127.0.0.1:PORT CID PEER_ID')
  process.exit(2)
}
const modules = process.env.DELEGATED_ROUTING_CLIENT_DIR ?? '.'
const load = (name, file) => import(pathToFileURL(path.join(modules, 'node_modules', ...name.split('/'), ...file.split('/'))).href)
const { delegatedRoutingV1HttpApiClient } = await load('@helia/delegated-routing-v1-http-api-client', 'dist/src/index.js')
const { defaultLogger } = await load('@libp2p/logger', 'dist/src/index.js')
const { CID } = await load('multiformats', 'dist/src/cid.js')
const { peerIdFromString, peerIdFromCID } = await load('@libp2p/peer-id', 'dist/src/index.js')

const client = delegatedRoutingV1HttpApiClient({ url: gateway, timeout: 20000, cacheTTL: 0 })({ logger: defaultLogger() })
await client.start()
const plain = record => ({
  ID: peerIdFromCID(record.ID).toString(),
  Addrs: record.Addrs.map(a => a.toString()),
  Protocols: record.Protocols
})
async function call (name, iterable) {
  const records = []
  for await (const record of iterable) records.push(plain(record))
  console.log(JSON.stringify({ call: name, records }))
}
await call('getProviders', client.getProviders(CID.parse(cidText)))
// The client sends the peer as a CIDv1 (libp2p-key, base32): the form the spec prefers.
await call('getPeers', client.getPeers(peerIdFromString(peerText).toCID()))
await client.stop()
