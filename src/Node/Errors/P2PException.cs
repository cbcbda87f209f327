namespace P2P.Node.Errors;

/// <summary>
/// An error meant for a user: its <see cref="Exception.Message"/> is one sentence printed as it is (by the CLI, in
/// the API's JSON body, on the dashboard), and its <see cref="Kind"/> picks the exit code and HTTP status from
/// <see cref="ErrorTable"/>. The node's own error types derive from it so that no caller needs to know them.
/// </summary>
public class P2PException : Exception
{
    public P2PException(ErrorKind kind, string sentence, Exception? inner = null)
        : base(sentence, inner)
    {
        Kind = kind;
    }

    public ErrorKind Kind { get; }
}
