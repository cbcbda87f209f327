// Drives a running p2p daemon with kubo-rpc-client, kubo's own JavaScript RPC client, and prints one line per call:
// "ok <call>: <detail>" or "FAIL <call>: <error>". Exit code 0 only when every call was ok.
// Usage: node drive.mjs http://127.0.0.1:PORT [OTHER_PEER_ID [CID_THE_OTHER_PEER_PROVIDES]]
// With a second daemon connected to the first, findPeer, ping, findProvs and the swarm calls get real answers.
// The client is imported from KUBO_RPC_CLIENT_DIR when set (a folder holding node_modules), so no install lands here.
import { pathToFileURL } from 'node:url'
import path from 'node:path'

const api = process.argv[2]
if (!api) {
  console.error('usage: node drive.mjs http://127.0.0.1:PORT')
  process.exit(2)
}
const modules = process.env.KUBO_RPC_CLIENT_DIR
const entry = modules
  ? pathToFileURL(path.join(modules, 'node_modules', 'kubo-rpc-client', 'dist', 'src', 'index.js')).href
  : 'kubo-rpc-client'
const { create } = await import(entry)
const client = create({ url: `${api}/api/v0` })
const otherPeer = process.argv[3]
const otherCid = process.argv[4]

let failures = 0
async function call (name, fn) {
  try {
    const detail = await fn()
    console.log(`ok ${name}: ${detail}`)
  } catch (err) {
    failures++
    console.log(`FAIL ${name}: ${(err && err.message ? err.message : String(err)).split('\n')[0]}`)
  }
}
async function all (iterable) {
  const out = []
  for await (const x of iterable) out.push(x)
  return out
}
function expect (cond, message) {
  if (!cond) throw new Error(message)
}
const text = (bytes) => new TextDecoder().decode(bytes)
const concat = (chunks) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) { out.set(c, at); at += c.length }
  return out
}

let self
let fileA
let fileB
let dir
let block

await call('version', async () => {
  const v = await client.version()
  expect(typeof v.version === 'string' && v.version.length > 0, 'no version')
  return `${v.version} repo ${v.repo} ${v.system}`
})
await call('id', async () => {
  const id = await client.id()
  self = id.id
  return `${id.id.toString()} ${id.addresses.length} addresses ${id.agentVersion}`
})
await call('add', async () => {
  fileA = (await client.add({ path: 'a.txt', content: new TextEncoder().encode('hello from kubo-rpc-client\n') }, { cidVersion: 1, rawLeaves: true })).cid
  fileB = (await client.add(new TextEncoder().encode('second file\n'))).cid
  const entries = await all(client.addAll([
    { path: 'dir/one.txt', content: new TextEncoder().encode('one\n') },
    { path: 'dir/two.txt', content: new TextEncoder().encode('two\n') }
  ], { wrapWithDirectory: false }))
  dir = entries.find(e => e.path === 'dir').cid
  return `${fileA} ${fileB} dir ${dir}`
})
await call('cat', async () => {
  const body = text(concat(await all(client.cat(fileA))))
  expect(body === 'hello from kubo-rpc-client\n', `got ${JSON.stringify(body)}`)
  return JSON.stringify(body)
})
await call('ls', async () => {
  const names = (await all(client.ls(dir))).map(e => e.name)
  expect(names.join(',') === 'one.txt,two.txt', `got ${names}`)
  return names.join(' ')
})
await call('refs', async () => {
  const refs = await all(client.refs(dir, { recursive: true }))
  expect(refs.length === 2 && refs.every(r => !r.err), JSON.stringify(refs))
  return refs.map(r => r.ref).join(' ')
})
await call('refs.local', async () => {
  const refs = await all(client.refs.local())
  expect(refs.length >= 4, `only ${refs.length}`)
  return `${refs.length} blocks`
})
await call('block.put', async () => {
  block = await client.block.put(new TextEncoder().encode('a raw block\n'))
  return block.toString()
})
await call('block.get', async () => {
  const body = text(await client.block.get(block))
  expect(body === 'a raw block\n', `got ${JSON.stringify(body)}`)
  return JSON.stringify(body)
})
await call('block.stat', async () => {
  const stat = await client.block.stat(block)
  expect(stat.size === 12, `size ${stat.size}`)
  return `${stat.cid} ${stat.size} bytes`
})
await call('block.rm', async () => {
  const removed = await all(client.block.rm(block))
  expect(removed.length === 1 && !removed[0].error, JSON.stringify(removed))
  const pinned = await all(client.block.rm(fileB))
  expect(pinned.length === 1 && pinned[0].error, 'a pinned block was removed')
  return `removed ${removed[0].cid}; pinned refused: ${pinned[0].error.message}`
})
await call('repo.stat', async () => {
  const s = await client.repo.stat()
  return `${s.numObjects} objects, ${s.repoSize} bytes, max ${s.storageMax}, version ${s.version}`
})
await call('pin.add', async () => {
  const cid = await client.pin.add(fileA)
  return cid.toString()
})
await call('pin.ls', async () => {
  const pins = await all(client.pin.ls())
  expect(pins.some(p => p.cid.toString() === fileA.toString()), 'pin missing')
  return `${pins.length} pins`
})
await call('pin.rm', async () => {
  const cid = await client.pin.rm(fileA)
  return cid.toString()
})
await call('dag.get', async () => {
  const node = (await client.dag.get(dir)).value
  expect(node.Links.length === 2 && node.Links[0].Name === 'one.txt', JSON.stringify(node.Links.map(l => l.Name)))
  return `${node.Links.length} links: ${node.Links.map(l => `${l.Name} ${l.Hash}`).join(', ')}`
})
await call('dag.stat (raw RPC)', async () => {
  // kubo-rpc-client has no dag.stat; the same POST it would make.
  const res = await fetch(`${api}/api/v0/dag/stat?arg=${dir}`, { method: 'POST' })
  expect(res.ok, `HTTP ${res.status}`)
  const summary = await res.json()
  expect(summary.DagStats[0].NumBlocks === 3, JSON.stringify(summary))
  return `${summary.DagStats[0].NumBlocks} blocks, ${summary.DagStats[0].Size} bytes`
})
await call('routing.provide', async () => {
  const events = await all(client.routing.provide(fileA))
  return `${events.length} events`
})
await call('routing.findProvs', async () => {
  const target = otherCid ?? fileA
  const events = await all(client.routing.findProvs(target))
  const providers = events.filter(e => e.name === 'PROVIDER').flatMap(e => e.providers)
  if (otherCid) expect(providers.some(p => p.id.toString() === otherPeer), `the other peer is not among ${providers.map(p => p.id)}`)
  return `${providers.length} providers of ${target}: ${providers.map(p => `${p.id} ${p.multiaddrs.join(',')}`).join('; ')}`
})
await call('routing.findPeer', async () => {
  if (!otherPeer) return 'skipped: no other peer given'
  const events = await all(client.routing.findPeer(otherPeer))
  const final = events.find(e => e.name === 'FINAL_PEER')
  expect(final && final.peer.id.toString() === otherPeer, JSON.stringify(events.map(e => e.name)))
  return `${final.peer.id} at ${final.peer.multiaddrs.join(',')}`
})
await call('config.get', async () => {
  const api = await client.config.get('Addresses.API')
  return JSON.stringify(api)
})
await call('config.set', async () => {
  await client.config.set('Limits.MaxPeers', 77)
  const back = await client.config.get('Limits.MaxPeers')
  expect(back === 77, `read back ${back}`)
  await client.config.set('discovery.mdns', false)
  return `limits.maxPeers ${back}`
})
await call('config.getAll', async () => {
  const config = await client.config.getAll()
  expect(config.limits.maxPeers === 77, JSON.stringify(config.limits))
  return Object.keys(config).join(',')
})
const bootstrapPeer = `/ip4/127.0.0.1/udp/4999/p2p/${otherPeer ?? self}`
await call('bootstrap.add', async () => {
  const { Peers } = await client.bootstrap.add(bootstrapPeer)
  expect(Peers.length === 1, JSON.stringify(Peers))
  return Peers.map(p => p.toString()).join(' ')
})
await call('bootstrap.list', async () => {
  const { Peers } = await client.bootstrap.list()
  expect(Peers.some(p => p.toString() === bootstrapPeer), 'added peer missing')
  return `${Peers.length} peers`
})
await call('bootstrap.rm', async () => {
  const { Peers } = await client.bootstrap.rm(bootstrapPeer)
  expect(Peers.length === 1, JSON.stringify(Peers))
  return Peers.map(p => p.toString()).join(' ')
})
let generated
await call('key.gen', async () => {
  generated = await client.key.gen('rpc-key')
  expect(generated.name === 'rpc-key' && /^k51[0-9a-z]{59}$/.test(generated.id), JSON.stringify(generated))
  return generated.id
})
await call('key.list', async () => {
  const keys = await client.key.list()
  expect(keys[0].name === 'self' && keys.some(k => k.name === 'rpc-key' && k.id === generated.id), JSON.stringify(keys))
  return keys.map(k => k.name).join(' ')
})
await call('key.rename', async () => {
  const renamed = await client.key.rename('rpc-key', 'rpc-key-2')
  expect(renamed.was === 'rpc-key' && renamed.now === 'rpc-key-2' && renamed.id === generated.id && renamed.overwrite === false, JSON.stringify(renamed))
  return `${renamed.was} -> ${renamed.now}`
})
await call('key.rm', async () => {
  const removed = await client.key.rm('rpc-key-2')
  expect(removed.name === 'rpc-key-2' && removed.id === generated.id, JSON.stringify(removed))
  return removed.name
})
let publishedName
await call('name.publish', async () => {
  const published = await client.name.publish(`/ipfs/${fileA}`, { key: 'self', lifetime: '1h', ttl: '1m' })
  expect(/^k51[0-9a-z]{59}$/.test(published.name) && published.value === `/ipfs/${fileA}`, JSON.stringify(published))
  publishedName = published.name
  return `${published.name} -> ${published.value}`
})
await call('name.resolve', async () => {
  const paths = await all(client.name.resolve(publishedName, { nocache: true }))
  expect(paths.at(-1) === `/ipfs/${fileA}`, JSON.stringify(paths))
  return paths.join(' ')
})
await call('swarm.addrs', async () => {
  const peers = await client.swarm.addrs()
  if (otherPeer) expect(peers.some(p => p.id.toString() === otherPeer), 'the other peer is not known')
  return `${peers.length} known peers: ${peers.map(p => `${p.id} ${p.addrs.join(',')}`).join('; ')}`
})
await call('swarm.peers', async () => {
  const peers = await client.swarm.peers()
  if (otherPeer) expect(peers.some(p => p.peer.toString() === otherPeer), 'the other peer is not connected')
  return `${peers.length} connected: ${peers.map(p => `${p.peer} ${p.addr} ${p.latency}`).join('; ')}`
})
await call('ping', async () => {
  if (!otherPeer) return 'skipped: no other peer given'
  const pongs = await all(client.ping(otherPeer, { count: 2 }))
  expect(pongs.some(p => p.success && p.time > 0), JSON.stringify(pongs))
  return pongs.map(p => p.text || `${(p.time / 1e6).toFixed(2)} ms`).join(' | ')
})
await call('files', async () => {
  // kubo's MFS: mkdir -p, write --create, read, ls (long), stat, cp from /ipfs, mv, rm -r.
  await client.files.mkdir('/mfs-test/sub', { parents: true })
  await client.files.write('/mfs-test/hello.txt', new TextEncoder().encode('hello mfs\n'), { create: true })
  await client.files.write('/mfs-test/hello.txt', new TextEncoder().encode('MFS'), { offset: 6 })
  const body = text(concat(await all(client.files.read('/mfs-test/hello.txt'))))
  expect(body === 'hello MFS\n', `read ${JSON.stringify(body)}`)
  const part = text(concat(await all(client.files.read('/mfs-test/hello.txt', { offset: 6, length: 3 }))))
  expect(part === 'MFS', `read with offset ${JSON.stringify(part)}`)
  await client.files.cp(`/ipfs/${fileA}`, '/mfs-test/sub/a.txt')
  await client.files.mv('/mfs-test/sub/a.txt', '/mfs-test/moved.txt')
  const entries = await all(client.files.ls('/mfs-test'))
  const listed = entries.map(e => `${e.name}:${e.type}:${e.size}`).sort().join(',')
  expect(listed === 'hello.txt:file:10,moved.txt:file:27,sub:directory:0', `ls ${listed}`)
  expect(entries.find(e => e.name === 'moved.txt').cid.toString() === fileA.toString(), 'cp changed the CID')
  const stat = await client.files.stat('/mfs-test')
  expect(stat.type === 'directory' && stat.blocks === 3 && stat.cumulativeSize > 0, JSON.stringify(stat))
  const root = await client.files.stat('/')
  await client.files.rm('/mfs-test', { recursive: true })
  const after = await all(client.files.ls('/'))
  expect(!after.some(e => e.name === 'mfs-test'), 'rm -r left the directory')
  return `${listed}; /mfs-test ${stat.cid} ${stat.cumulativeSize} bytes; root was ${root.cid}`
})
await call('stop', async () => {
  await client.stop()
  return 'daemon asked to stop'
})

console.log(`${failures === 0 ? 'all calls ok' : `${failures} calls failed`}`)
process.exit(failures === 0 ? 0 : 1)
