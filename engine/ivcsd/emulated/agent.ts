// The parent's side of a tracker client living on an emulated host (host-agent.ts): one process
// inside the host's network namespace, asked over IPC, so the tracker sees its requests come from
// that host's address.
import { spawn, type ChildProcess } from 'node:child_process';
import { childNodeFlags, siblingModulePath } from '../../runtime/project.js';
import type { AgentReply, AgentRequest } from './messages.js';

export type Request = AgentRequest extends infer R ? (R extends AgentRequest ? Omit<R, 'id'> : never) : never;

/** A tracker client process inside one emulated host's namespace. */
export class HostAgent {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: AgentReply) => void>();
  private exitError: Error | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly host: string,
  ) {
    child.on('message', (m: AgentReply) => this.waiting.get(m.id)?.(m));
    child.once('exit', (code, signal) => {
      this.exitError = new Error(`the client on ${host} exited (${signal ?? `code ${code}`})`);
      for (const resolve of this.waiting.values()) resolve({ id: -1, ok: false, error: this.exitError.message });
    });
  }

  static async start(namespace: string, host: string): Promise<HostAgent> {
    // `ip netns exec` runs node itself (exec), so the IPC pipe's descriptor and variable reach it.
    const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, ...childNodeFlags(), siblingModulePath(import.meta.url, './host-agent')], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const agent = new HostAgent(child, host);
    await agent.reply(0);
    return agent;
  }

  private reply(id: number): Promise<AgentReply> {
    return new Promise((resolve) => {
      if (this.exitError) return resolve({ id, ok: false, error: this.exitError.message });
      this.waiting.set(id, (r) => {
        this.waiting.delete(id);
        resolve(r);
      });
    });
  }

  ask(req: Request): Promise<AgentReply> {
    const id = this.nextId++;
    const answer = this.reply(id);
    this.child.send({ ...req, id } as AgentRequest);
    return answer;
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}

