namespace P2P.Dht.Network;

/// <summary>Answer to GET_VALUE: the value the peer holds for the key (null when none) and contacts closer to it.</summary>
public sealed record ValueReply(byte[]? Value, IReadOnlyList<Contact> Closer)
{
    /// <summary>No value, no contacts.</summary>
    public static ValueReply Empty { get; } = new(null, []);
}
