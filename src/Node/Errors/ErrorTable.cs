namespace P2P.Node.Errors;

/// <summary>
/// The one mapping from an error kind to what each front end reports (docs/ARCHITECTURE.md). The CLI, the
/// API and the gateway all read it, so a failure has the same meaning whichever way the user reached it.
/// </summary>
public static class ErrorTable
{
    private const int KuboNormal = 0;
    private const int KuboClient = 1;
    private const int KuboImplementation = 2;

    /// <summary>Every kind's row, in the order of <see cref="ErrorKind"/>.</summary>
    public static IReadOnlyList<(ErrorKind Kind, ErrorRow Row)> All { get; } =
        Enum.GetValues<ErrorKind>().Select(kind => (kind, For(kind))).ToArray();

    public static ErrorRow For(ErrorKind kind) => kind switch
    {
        ErrorKind.NotFound => new(ExitCode.NotFound, 404, KuboNormal),
        // 502 as a gateway says it of upstream data that failed its checks: the bytes came from a peer (or a
        // damaged disk), not from the request.
        ErrorKind.Corrupt => new(ExitCode.Corrupt, 502, KuboNormal),
        ErrorKind.BadInput => new(ExitCode.Usage, 400, KuboClient),
        ErrorKind.Unavailable => new(ExitCode.Error, 503, KuboNormal),
        ErrorKind.Conflict => new(ExitCode.Error, 409, KuboNormal),
        ErrorKind.Repo => new(ExitCode.Repo, 500, KuboNormal),
        ErrorKind.DiskFull => new(ExitCode.Error, 507, KuboNormal),
        ErrorKind.Forbidden => new(ExitCode.Error, 403, KuboNormal),
        ErrorKind.Io => new(ExitCode.Error, 500, KuboNormal),
        ErrorKind.Interrupted => new(ExitCode.Interrupted, 503, KuboNormal),
        ErrorKind.Internal => new(ExitCode.Error, 500, KuboImplementation),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a kind without a row in the error table"),
    };

    /// <summary>
    /// The kind an HTTP status most likely stands for, for an answer without p2p's <c>Kind</c> field (kubo itself,
    /// or a proxy in between): the first kind in the table with that status, else <see cref="ErrorKind.Internal"/>.
    /// </summary>
    public static ErrorKind KindOfStatus(int status)
    {
        foreach (var (kind, row) in All)
        {
            if (row.HttpStatus == status)
                return kind;
        }
        return status switch
        {
            401 => ErrorKind.Forbidden,
            422 => ErrorKind.Corrupt,
            >= 400 and < 500 => ErrorKind.BadInput,
            _ => ErrorKind.Internal,
        };
    }

    /// <summary>The kind named by <paramref name="name"/> (the API's <c>Kind</c> field), or null for one this build does not know.</summary>
    public static ErrorKind? Parse(string? name) =>
        Enum.TryParse<ErrorKind>(name, ignoreCase: false, out var kind) && Enum.IsDefined(kind) ? kind : null;
}
