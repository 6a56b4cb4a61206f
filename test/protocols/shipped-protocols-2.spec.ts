import { describeShippedProtocols } from './support/shipped-protocols';

jest.setTimeout(600_000);
describeShippedProtocols(1, 2);
