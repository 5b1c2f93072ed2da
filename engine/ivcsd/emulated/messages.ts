// What HostAgent and host-agent.ts say to each other over the IPC pipe.

export type AgentRequest = { id: number } & (
  | { op: 'login'; baseUrl: string; username: string; password: string }
  | { op: 'publish'; username: string; infoHash: string; name: string }
  | { op: 'getcipher'; username: string; infoHash: string }
  | { op: 'announce'; baseUrl: string; credentials: { username: string; token: string }; infoHash: string; peerId: string; port: number }
);

export interface AgentReply {
  id: number;
  ok: boolean;
  result?: unknown;
  /** the tracker's failure reason, when it refused */
  refusal?: string;
  error?: string;
}
