namespace P2P.Node.Wire;

/// <summary>Caps on every decoded message, checked before (size) and after (counts, lengths) deserialising.</summary>
public static class WireLimits
{
    /// <summary>Contacts in one Nodes reply, and in each list of a Providers reply (k = 20 plus headroom).</summary>
    public const int MaxContacts = 32;

    /// <summary>Provider records in one Providers reply.</summary>
    public const int MaxProviders = 32;

    /// <summary>CIDs in one want, have, don't-have or cancel list.</summary>
    public const int MaxCidsPerList = 1024;

    /// <summary>Longest binary CID or multihash accepted (a 128-byte digest plus prefixes).</summary>
    public const int MaxCidLength = 140;

    /// <summary>Longest value key (libp2p record key, e.g. <c>/ipns/</c> and a peer id).</summary>
    public const int MaxValueKeyLength = 256;

    /// <summary>Largest value in PutValue and Value messages (a signed IPNS record is well under 1 KiB).</summary>
    public const int MaxValueSize = 10 * 1024;

    /// <summary>Largest block payload (the importer's largest chunk is 2 MiB − 256).</summary>
    public const int MaxBlockSize = 2 * 1024 * 1024;

    /// <summary>
    /// Largest encoded message of a type, header included. Rejecting a longer buffer before deserialising keeps
    /// every allocation the decoder makes below this bound.
    /// </summary>
    public static int MaxMessageSize(WireMessageType type) => type switch
    {
        WireMessageType.Ping or WireMessageType.Pong => 64,
        WireMessageType.FindNode => 128,
        WireMessageType.Nodes => 4 * 1024,
        WireMessageType.GetProviders => 512,
        WireMessageType.Providers => 8 * 1024,
        WireMessageType.AddProvider => 1024,
        WireMessageType.GetValue => MaxValueKeyLength + 64,
        WireMessageType.PutValue => MaxValueKeyLength + MaxValueSize + 64,
        WireMessageType.Value => MaxValueSize + (4 * 1024) + 64,
        WireMessageType.WantHave or WireMessageType.WantBlock or WireMessageType.Have
            or WireMessageType.DontHave or WireMessageType.Cancel => 160 * 1024,
        WireMessageType.Block => MaxBlockSize + 512,
        _ => 0,
    };

    /// <summary>The largest message of any type, for transports that size buffers up front.</summary>
    public const int MaxAnyMessageSize = MaxBlockSize + 512;
}
