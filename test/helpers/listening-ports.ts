import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** TCP_LISTEN in the `st` column of /proc/net/tcp. */
const LISTEN = '0A';

/**
 * The TCP ports this process listens on (IPv4 and IPv6), read from /proc: the sockets among this
 * process's file descriptors that the kernel lists as listening. Linux only.
 */
export function listeningTcpPorts(): number[] {
  const ownSockets = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed meanwhile, or the descriptor of the directory being read
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) ownSockets.add(inode);
  }
  const ports = new Set<number>();
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      if (columns.length < 10 || columns[3] !== LISTEN || !ownSockets.has(columns[9])) continue;
      ports.add(parseInt(columns[1].split(':')[1], 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}
