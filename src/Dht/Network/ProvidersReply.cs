namespace P2P.Dht.Network;

/// <summary>Answer to GET_PROVIDERS: known providers of the key and contacts closer to it.</summary>
public sealed record ProvidersReply(IReadOnlyList<Contact> Providers, IReadOnlyList<Contact> Closer)
{
    /// <summary>No providers, no contacts.</summary>
    public static ProvidersReply Empty { get; } = new([], []);
}
