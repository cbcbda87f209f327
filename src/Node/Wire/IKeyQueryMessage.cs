namespace P2P.Node.Wire;

/// <summary>
/// A DHT query for one key (FindNode's target, GetProviders' key) with its request id and client flag: the same
/// layout, one formatter. <see cref="QueryKey"/> maps to each message's own name for the key.
/// </summary>
internal interface IKeyQueryMessage
{
    ulong RequestId { get; set; }

    byte[] QueryKey { get; set; }

    bool Client { get; set; }
}
