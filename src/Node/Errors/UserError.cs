namespace P2P.Node.Errors;

/// <summary>A failure as a user sees it: its kind (exit code, HTTP status) and one sentence without .NET type names.</summary>
public readonly record struct UserError(ErrorKind Kind, string Sentence)
{
    public ErrorRow Row => ErrorTable.For(Kind);

    /// <summary>
    /// A 500: the daemon's own fault (a bug, its repo, its disk), not the request's or the network's. The API and the
    /// gateway log each of these once, with the stack.
    /// </summary>
    public bool IsServerFault => Row.HttpStatus == 500;
}
