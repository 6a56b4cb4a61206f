import { shippedProtocols } from './support/shipped-protocols';

describe('shipped protocols', () => {
  it('finds every protocol file and the protocol examples of the README and docs', () => {
    expect(shippedProtocols().map((c) => c.source)).toEqual(
      expect.arrayContaining([
        'protocols/etfe-styrene-pem.json',
        'protocols/etfe-vbc-aem.json',
        'protocols/pe-gma-emulsion.json',
        'protocols/ptfe-styrene-simultaneous.json',
      ]),
    );
  });
});
