namespace P2P.Node.Hosting.Local;

/// <summary>
/// One request on the local channel, sent by the CLI as the first frame with its descriptor attached. The fields are
/// those of the HTTP API's query for the same command, so the daemon runs the same node code with the same inputs.
/// </summary>
public sealed record LocalRequest
{
    public int V { get; init; } = LocalFrames.Version;

    /// <summary>
    /// <c>cat</c> (write the files at <see cref="Args"/> to the passed descriptor), <c>add</c> (import it),
    /// <c>block/get</c> or <c>dag/export</c> (write the block or the CAR of the one CID in <see cref="Args"/>).
    /// </summary>
    public string Op { get; init; } = "";

    public string[] Args { get; init; } = [];

    public long Offset { get; init; }

    public long? Length { get; init; }

    /// <summary>Whether to send progress frames (cat: bytes written so far; add: kubo's Name/Bytes events).</summary>
    public bool Progress { get; init; }

    /// <summary>kubo's timeout as a Go duration (the CLI's --timeout), or null for none.</summary>
    public string? Timeout { get; init; }

    /// <summary>add: the name of the one input ("" for unnamed stdin, added under its CID as over HTTP).</summary>
    public string Name { get; init; } = "";

    public bool Pin { get; init; } = true;

    public bool Wrap { get; init; }

    public KuboAddFlags? Flags { get; init; }
}
