// Pointing the real GramJS client at the sandbox through its public options only.
// GramJS dials port 80 for the home DC and 443 for every other sender whatever the session or help.getConfig
// say, so the transport subclass maps each DC id to its sandbox port. MemorySession holds the home DC's key
// only: for another DC GramJS creates a key by DH and imports the authorization, as against Telegram.
import bigInt from 'big-integer';
import { TelegramClient } from 'telegram';
import { _serverKeys } from 'telegram/crypto/RSA';
import { ConnectionTCPFull } from 'telegram/network';

export interface SandboxAddress {
  host: '127.0.0.1';
  port: number;
  dcId: number;
  dcPorts: Record<number, number>;
}

/** A StringSession string: "1" + base64(dc_id:u8, address length:i16 BE, address, port:i16 BE, auth_key). */
export function encodeStringSession(dcId: number, host: string, port: number, authKey: Buffer): string {
  if (port > 32767) throw new Error(`StringSession stores the port as a signed 16-bit number; ${port} does not fit`);
  const addr = Buffer.from(host);
  const len = Buffer.alloc(2);
  len.writeInt16BE(addr.length, 0);
  const p = Buffer.alloc(2);
  p.writeInt16BE(port, 0);
  return '1' + Buffer.concat([Buffer.from([dcId]), len, addr, p, authKey]).toString('base64');
}

export function sandboxConnectionClass(sb: SandboxAddress): typeof ConnectionTCPFull {
  return class SandboxConnection extends ConnectionTCPFull {
    constructor(args: ConstructorParameters<typeof ConnectionTCPFull>[0]) {
      super({ ...args, ip: sb.host, port: sb.dcPorts[args.dcId] ?? sb.port });
    }
  };
}

/**
 * Lets GramJS run the DH key exchange with the sandbox: its Authenticator picks the RSA key for resPQ's
 * fingerprint from crypto/RSA.js's _serverKeys (keyed by the fingerprint's decimal string, holding n and e),
 * which ships with Telegram's keys only. Adding the sandbox's key there is all it takes; idempotent.
 */
export function registerSandboxRsaKey(key: { n: Buffer; e: Buffer; fingerprint: bigint }): void {
  _serverKeys.set(key.fingerprint.toString(), { n: bigInt(key.n.toString('hex'), 16), e: key.e.readUIntBE(0, key.e.length) });
}

/**
 * Closes a client completely. `destroy()` leaves the exported download senders (it iterates a Map with
 * Object.values) and their 30 s release timers alive, which keeps the process running and reconnecting.
 */
export async function closeGramjsClient(client: TelegramClient): Promise<void> {
  const c = client as unknown as {
    _exportedSenderPromises: Map<number, Promise<{ disconnect(): Promise<void> } | undefined>>;
    _exportedSenderReleaseTimeouts: Map<number, NodeJS.Timeout>;
  };
  const senders = [...c._exportedSenderPromises.values()];
  for (const t of c._exportedSenderReleaseTimeouts.values()) clearTimeout(t);
  c._exportedSenderReleaseTimeouts.clear();
  c._exportedSenderPromises.clear();
  await Promise.all(
    senders.map(async (p) => {
      try {
        // A sender still dialling a closed sandbox never settles: do not wait for it forever.
        const sender = await Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000).unref())]);
        await sender?.disconnect();
      } catch {
        // a sender that never connected has nothing to close
      }
    }),
  );
  await client.destroy();
}
