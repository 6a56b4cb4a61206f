import type { Redis } from 'ioredis';
import type { OperatorAnswer, OperatorPrompt } from '@graftlab/engine';
import { KEYS } from './redis-keys';

export interface PendingPrompt extends OperatorPrompt {
  readonly since: number;
}

/** Operator prompts waiting for an answer, shared by the worker that asks and the API that shows and answers them. */
export class PromptBoard {
  constructor(private readonly redis: Redis) {}

  async post(prompt: OperatorPrompt): Promise<void> {
    const pending: PendingPrompt = { ...prompt, since: Date.now() };
    await this.redis.hset(KEYS.prompts, prompt.promptId, JSON.stringify(pending));
    await this.redis.publish(KEYS.events, JSON.stringify({ type: 'prompt', prompt: pending }));
  }

  async list(): Promise<PendingPrompt[]> {
    const all = await this.redis.hvals(KEYS.prompts);
    return all.map((v) => JSON.parse(v) as PendingPrompt).sort((a, b) => a.since - b.since);
  }

  async get(promptId: string): Promise<PendingPrompt | undefined> {
    const raw = await this.redis.hget(KEYS.prompts, promptId);
    return raw ? (JSON.parse(raw) as PendingPrompt) : undefined;
  }

  /** Answers a prompt (dashboard or CLI); returns false when no such prompt is pending. */
  async answer(promptId: string, answer: OperatorAnswer): Promise<boolean> {
    const removed = await this.redis.hdel(KEYS.prompts, promptId);
    if (!removed) return false;
    await this.redis.publish(KEYS.promptAnswers, JSON.stringify({ promptId, ...answer }));
    return true;
  }

  async remove(promptId: string): Promise<void> {
    await this.redis.hdel(KEYS.prompts, promptId);
  }
}
