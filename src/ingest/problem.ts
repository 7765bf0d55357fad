/** A file that cannot be indexed, with the reason a person reads (in Chinese) and a code. */
export class UnreadableFile extends Error {
  constructor(
    readonly code: 'E_BAD_DOCUMENT' | 'E_ENCRYPTED' | 'E_SCANNED' | 'E_MISLABELLED' | 'E_UNSUPPORTED',
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'UnreadableFile';
  }
}
