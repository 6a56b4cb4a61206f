import request from 'supertest';
import { startApiApp, type ApiApp } from './support/api-app';

/** The API's request limit per client comes from GRAFTLAB_API_RATE_LIMIT (batch submitters raise it). */
describe('configurable API rate limit', () => {
  let api: ApiApp;

  beforeAll(async () => {
    api = await startApiApp({ GRAFTLAB_API_RATE_LIMIT: '5' });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('answers the configured number of requests a minute, then 429 with a JSON message', async () => {
    const statuses: number[] = [];
    let refused: request.Response | undefined;
    for (let i = 0; i < 7; i++) {
      const res = await request(api.app.getHttpServer())
        .get('/api/protocols')
        .set('authorization', `Bearer ${api.tokens.scientist}`);
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(refused!.body).toMatchObject({ statusCode: 429, message: expect.stringMatching(/\w+/) });
  });
});
