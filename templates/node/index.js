#!/usr/bin/env node
// A minimal AT Protocol service: answers GET /xrpc/_health and returns an
// XRPC error for everything else. Node's standard library only; add
// @atproto/xrpc-server (or express) once the service grows.
'use strict'

const http = require('node:http')
const { version } = require('./package.json')

const host = process.env.HOST || '127.0.0.1'
const port = Number(process.env.PORT || 8080)

const send = (res, status, body) => {
  const json = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  })
  res.end(json)
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url, 'http://localhost').pathname
  if (req.method === 'GET' && path === '/xrpc/_health') {
    send(res, 200, { version })
  } else if (path.startsWith('/xrpc/')) {
    send(res, 501, { error: 'MethodNotImplemented', message: 'Method Not Implemented' })
  } else {
    send(res, 404, { error: 'NotFound', message: 'Not Found' })
  }
})

server.listen(port, host, () => {
  console.error(`listening on http://${host}:${port}`)
})

const shutdown = () => server.close(() => process.exit(0))
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
