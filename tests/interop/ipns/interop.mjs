// IPNS records both ways between p2p and the reference `ipns` library (js-ipns), one JSON object on stdout.
//   node interop.mjs make SEED_HEX VALUE SEQUENCE EXPIRATION TTL_NS v1|v2
//     a record the library makes with the Ed25519 key of the 32-byte seed, and the key's names
//   node interop.mjs check NAME RECORD_BASE64
//     validates a record p2p made, with ipnsValidator (routing key) and validate (public key), and re-encodes its
//     data with the library's own createCborData to compare the signed bytes
// The modules are imported from IPNS_INTEROP_DIR when set (a folder holding node_modules), so no install lands here.
import { pathToFileURL } from 'node:url'
import path from 'node:path'

const dir = process.env.IPNS_INTEROP_DIR
const load = (name, file) => import(dir ? pathToFileURL(path.join(dir, 'node_modules', ...name.split('/'), ...file.split('/'))).href : name)
const ipns = await load('ipns', 'dist/src/index.js')
const validator = await load('ipns', 'dist/src/validator.js')
const utils = await load('ipns', 'dist/src/utils.js')
const keys = await load('@libp2p/crypto', 'dist/src/keys/index.js')
const peerIds = await load('@libp2p/peer-id', 'dist/src/index.js')
const { base36 } = await load('multiformats', 'dist/src/bases/base36.js')

const hex = (bytes) => Buffer.from(bytes).toString('hex')
const [mode, ...args] = process.argv.slice(2)

function namesOf (peerId) {
  return { name: peerId.toCID().toString(base36), peerId: peerId.toString() }
}

async function make ([seedHex, value, sequence, expiration, ttlNs, version]) {
  const key = await keys.generateKeyPairFromSeed('Ed25519', Buffer.from(seedHex, 'hex'))
  const record = await ipns.createIPNSRecordWithExpiration(key, value, BigInt(sequence), expiration,
    { v1Compatible: version === 'v1', ttlNs: BigInt(ttlNs) })
  const bytes = ipns.marshalIPNSRecord(record)
  return { ...namesOf(peerIds.peerIdFromPrivateKey(key)), record: Buffer.from(bytes).toString('base64'), data: hex(record.data) }
}

async function check ([name, recordBase64]) {
  const bytes = new Uint8Array(Buffer.from(recordBase64, 'base64'))
  const peerId = peerIds.peerIdFromString(name)
  const routingKey = utils.multihashToIPNSRoutingKey(peerId.toMultihash())
  await validator.ipnsValidator(routingKey, bytes)
  const record = ipns.unmarshalIPNSRecord(bytes)
  await validator.validate(peerId.publicKey, bytes)
  const again = utils.createCborData(new TextEncoder().encode(record.value), record.validityType ?? 0,
    new TextEncoder().encode(record.validity), record.sequence, record.ttl)
  return {
    ok: true,
    ...namesOf(peerId),
    value: record.value,
    sequence: record.sequence.toString(),
    validity: record.validity,
    ttl: record.ttl.toString(),
    v1: 'signatureV1' in record && record.signatureV1 != null,
    cborIdentical: hex(again) === hex(record.data)
  }
}

try {
  const result = mode === 'make' ? await make(args) : mode === 'check' ? await check(args) : null
  if (result == null) {
    console.error('usage: node interop.mjs make SEED_HEX VALUE SEQUENCE EXPIRATION TTL_NS v1|v2 | check NAME RECORD_BASE64')
    process.exit(2)
  }
  console.log(JSON.stringify(result))
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: (err && err.message ? err.message : String(err)).split('\n')[0] }))
  process.exit(1)
}
