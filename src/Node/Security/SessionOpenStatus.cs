namespace P2P.Node.Security;

/// <summary>Outcome of opening a sealed frame; anything but <see cref="Ok"/> means the frame is dropped and counted.</summary>
public enum SessionOpenStatus
{
    Ok,

    /// <summary>Too short to hold a counter and a tag, or the output buffer does not fit.</summary>
    Malformed,

    /// <summary>The counter was seen before or is older than the replay window.</summary>
    Replayed,

    /// <summary>The tag did not verify: tampered, forged or sealed with another key.</summary>
    Forged,
}
