namespace P2P.Node.Content.UnixFs;

/// <summary>UnixFS <c>UnixTime</c>: seconds since the epoch and optional nanoseconds (1 to 999,999,999 when present).</summary>
public readonly record struct UnixFsTime(long Seconds, uint? FractionalNanoseconds);
