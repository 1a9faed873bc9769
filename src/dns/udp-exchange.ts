/**
 * One DNS question over UDP to one server, answered by dns2's packet
 * coder (and its TCP client when the answer comes truncated).  The socket
 * is *connected* to the server, unlike dns2's own UDP client: the kernel
 * then reports an ICMP "port unreachable" (no server listening there) as
 * ECONNREFUSED at once, as the C resolver sees it, instead of the query
 * waiting out its whole time limit -- with a dead local resolver, each
 * lookup of a message would otherwise cost the full timeout.
 */
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import DNS from 'dns2';

export interface UdpExchangeOptions {
  address: string;
  port: number;
  timeoutMs: number;
}

/** Ask `name`/`type` (a dns2 type name) of one server; rejects with an errno-style code (ETIMEDOUT, ECONNREFUSED, ...). */
export function udpExchange(name: string, type: string, { address, port, timeoutMs }: UdpExchangeOptions): Promise<DNS.Packet> {
  const query = new DNS.Packet();
  query.header.id = randomInt(0x10000);
  query.header.rd = 1;
  // a plain question, as dns2's own clients push it (its typings ask for a class instance)
  const question = { name, class: DNS.Packet.CLASS.IN, type: (DNS.Packet.TYPE as Record<string, number>)[type]! };
  query.questions.push(question as unknown as (typeof query.questions)[number]);
  const socket = dgram.createSocket(isIP(address) === 6 ? 'udp6' : 'udp4');
  return new Promise<DNS.Packet>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    /** Ends the UDP exchange with an answer (a promise of one: the TCP retry) or an error. */
    const finish = (err: Error | null, answer?: DNS.Packet | Promise<DNS.Packet>): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(answer!);
    };
    socket.on('error', (err) => finish(err));
    socket.on('message', (message) => {
      let answer: DNS.Packet;
      try {
        answer = DNS.Packet.parse(message);
      } catch {
        return; // not a DNS answer: keep waiting
      }
      if (answer.header.id !== query.header.id) return; // a late answer to an earlier query
      // truncated: the whole answer over TCP
      finish(null, answer.header.tc ? DNS.TCPClient({ dns: address, port })(name, type) : answer);
    });
    if (timeoutMs > 0) {
      timer = setTimeout(() => finish(Object.assign(new Error(`DNS query timed out after ${timeoutMs}ms`), { code: 'ETIMEDOUT' })), timeoutMs);
      timer.unref();
    }
    // a connect that fails (no route to the server) hands its error to this callback, not to 'error'
    const connected = (err?: Error): void => {
      if (err) finish(err);
      else if (!settled) socket.send(query.toBuffer(), (e) => e && finish(e));
    };
    socket.connect(port, address, connected as () => void);
  });
}
