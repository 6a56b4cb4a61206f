/** One canonical JSON for the whole code base (the protocol library's): the database's hashes use it too. */
export { canonicalJson, sha256 as sha256Hex } from '@graftlab/protocol';
