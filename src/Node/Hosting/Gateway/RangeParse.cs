namespace P2P.Node.Hosting.Gateway;

/// <summary>What a Range header asks of the gateway; see <see cref="ByteRange.TryParse"/>.</summary>
public enum RangeParse
{
    /// <summary>No usable single range: answer 200 with the whole representation.</summary>
    Ignore,

    /// <summary>One satisfiable range: answer 206 with it.</summary>
    Partial,

    /// <summary>The range starts past the end: answer 416.</summary>
    Unsatisfiable,
}
