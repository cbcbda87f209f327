namespace P2P.Node.Errors;

/// <summary>
/// How one <see cref="ErrorKind"/> is reported: the CLI's exit code, the HTTP status of the API and the gateway,
/// and the <c>Code</c> of kubo's JSON error body (go-ipfs-cmds: 0 normal, 1 client error, 2 implementation bug).
/// </summary>
public readonly record struct ErrorRow(int ExitCode, int HttpStatus, int KuboCode);
