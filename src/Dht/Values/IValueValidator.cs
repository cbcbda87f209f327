namespace P2P.Dht.Values;

/// <summary>
/// Checks and orders the values of one key namespace (go-libp2p-record's Validator: Validate and Select). The DHT
/// stores and returns only values the validator of their key's namespace accepts, and keeps the newest.
/// Implementations must be thread-safe and must not throw for any input: a malformed value is invalid, not a bug.
/// </summary>
public interface IValueValidator
{
    /// <summary>True when <paramref name="value"/> is a valid value for <paramref name="key"/>; else a one-line reason.</summary>
    bool Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, out string reason);

    /// <summary>
    /// Orders two values that both passed <see cref="Validate"/>: positive when <paramref name="a"/> is newer than
    /// <paramref name="b"/>, negative when older, 0 when neither is preferred.
    /// </summary>
    int Compare(ReadOnlySpan<byte> key, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b);
}
