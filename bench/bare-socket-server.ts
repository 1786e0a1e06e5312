/**
 * The baseline of bench/fanout.ts: plain Socket.IO 4 on Node's http server, no authentication, no
 * database, no rate limits. Namespace `/rooms` like the app; `room:join {roomId}` joins `room:<roomId>`;
 * `message:send {roomId, text, clientMessageId}` builds a message shaped like the app's RoomMessageDto
 * and broadcasts it as `message:new` to the room (sender included, as the app does), then acks it.
 * `GET /health/ready` answers 200 so the bench can wait for it. PORT from the environment.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer((req, res) => {
  if (req.url === '/health/ready') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  res.writeHead(404).end();
});
// The app's settings that matter for a broadcast: 64 KiB frames, no per-message compression (the default).
const io = new Server(http, { maxHttpBufferSize: 64 * 1024, transports: ['websocket', 'polling'] });
const authorId = randomUUID();

io.of('/rooms').on('connection', (socket) => {
  socket.on('room:join', (payload: { roomId: string }, ack?: (a: unknown) => void) => {
    void socket.join(`room:${payload.roomId}`);
    ack?.({ ok: true, data: { status: 'joined', presence: [] } });
  });
  socket.on('message:send', (payload: { roomId: string; text: string; clientMessageId: string }, ack?: (a: unknown) => void) => {
    const message = {
      id: randomUUID(),
      roomId: payload.roomId,
      authorId,
      kind: 'user',
      text: payload.text,
      clientMessageId: payload.clientMessageId,
      deleted: false,
      createdAt: new Date().toISOString(),
      editedAt: null,
      deletedAt: null,
    };
    io.of('/rooms').to(`room:${payload.roomId}`).emit('message:new', message);
    ack?.({ ok: true, data: message });
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
const stop = () => io.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
