// SPDX-License-Identifier: AGPL-3.0-or-later
// A js-libp2p 2.x peer for the p2p module's interop tests (JsInteropTest).
//
// Usage: node peer.mjs <private-key-protobuf-hex> [mdns]
// Starts a TCP + Noise + yamux node with ping and identify on 127.0.0.1, prints one JSON
// object per line on stdout ({"event": ...}), and obeys commands read line by line on stdin:
//   dial <multiaddr>   dial, ping, and report the identify result of the dialled peer
//   ping <multiaddr>   ping over a fresh or existing connection
//   subscribe <topic>  join a gossipsub topic; messages arrive as {"event":"message"}
//   publish <topic> <text>  publish text (UTF-8) on a topic
//   exit               stop

// js-libp2p 2.x calls Promise.withResolvers, which Node.js 20 lacks; define it before loading.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function () {
    let resolve, reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { ping } = await import('@libp2p/ping')
const { identify } = await import('@libp2p/identify')
const { gossipsub } = await import('@chainsafe/libp2p-gossipsub')
const { mdns } = await import('@libp2p/mdns')
const { privateKeyFromProtobuf } = await import('@libp2p/crypto/keys')
const { multiaddr } = await import('@multiformats/multiaddr')
const readline = await import('node:readline')

const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

const privateKey = privateKeyFromProtobuf(Buffer.from(process.argv[2], 'hex'))
const node = await createLibp2p({
  privateKey,
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    ping: ping(),
    identify: identify({ agentVersion: 'js-interop-peer' }),
    pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, heartbeatInterval: 200 }),
    ...(process.argv[3] === 'mdns' ? { mdns: mdns({ interval: 500 }) } : {})
  }
})

node.addEventListener('peer:discovery', (evt) => {
  emit({ event: 'discovered', peerId: evt.detail.id.toString(), addrs: evt.detail.multiaddrs.map(String) })
})

node.services.pubsub.addEventListener('message', (evt) => {
  const m = evt.detail
  emit({
    event: 'message',
    topic: m.topic,
    from: m.type === 'signed' ? m.from.toString() : null,
    text: Buffer.from(m.data).toString('utf8')
  })
})
node.services.pubsub.addEventListener('subscription-change', (evt) => {
  for (const s of evt.detail.subscriptions) {
    emit({ event: 'subscription', peerId: evt.detail.peerId.toString(), topic: s.topic, subscribe: s.subscribe })
  }
})
node.services.pubsub.addEventListener('gossipsub:graft', (evt) => {
  emit({ event: 'graft', peerId: String(evt.detail.peerId), topic: evt.detail.topic })
})

node.addEventListener('peer:identify', (evt) => {
  const r = evt.detail
  emit({
    event: 'identified',
    peerId: r.peerId.toString(),
    agentVersion: r.agentVersion,
    protocolVersion: r.protocolVersion,
    protocols: r.protocols,
    listenAddrs: r.listenAddrs.map(String),
    observedAddr: r.observedAddr ? String(r.observedAddr) : null
  })
})

emit({ event: 'listening', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })

const rl = readline.createInterface({ input: process.stdin })
for await (const line of rl) {
  const [command, arg] = line.trim().split(/\s+/)
  try {
    if (command === 'dial') {
      const conn = await node.dial(multiaddr(arg))
      emit({ event: 'connected', peerId: conn.remotePeer.toString() })
      const rtt = await node.services.ping.ping(multiaddr(arg))
      emit({ event: 'ping', rtt })
    } else if (command === 'ping') {
      const rtt = await node.services.ping.ping(multiaddr(arg))
      emit({ event: 'ping', rtt })
    } else if (command === 'subscribe') {
      node.services.pubsub.subscribe(arg)
      emit({ event: 'subscribed', topic: arg })
    } else if (command === 'publish') {
      const text = line.trim().split(/\s+/).slice(2).join(' ')
      const result = await node.services.pubsub.publish(arg, Buffer.from(text, 'utf8'))
      emit({ event: 'published', topic: arg, recipients: result.recipients.map(String) })
    } else if (command === 'exit') {
      break
    } else {
      emit({ event: 'error', message: 'unknown command ' + command })
    }
  } catch (err) {
    emit({ event: 'error', message: String(err && err.message ? err.message : err) })
  }
}
await node.stop()
process.exit(0)
