namespace P2P.Dht.Values;

/// <summary>Why a <see cref="ValueStore"/> refused a value. Each is counted (<see cref="ValueStore.Refusals"/>).</summary>
public enum ValueRefusal
{
    /// <summary>Key longer than <see cref="DhtOptions.MaxValueKeyLength"/> or empty.</summary>
    KeyTooLong,

    /// <summary>Value longer than <see cref="DhtOptions.MaxValueSize"/> or empty.</summary>
    ValueTooLarge,

    /// <summary>The key's namespace has no validator.</summary>
    UnknownNamespace,

    /// <summary>The validator refused the value (bad signature, expired, malformed).</summary>
    Invalid,

    /// <summary>The store holds a value the validator ranks newer or equal (and different).</summary>
    NotNewer,

    /// <summary>The sender holds <see cref="DhtOptions.MaxValuesPerPeer"/> values here already.</summary>
    SenderFull,

    /// <summary>The store is at <see cref="DhtOptions.MaxValues"/> or <see cref="DhtOptions.MaxValueBytes"/>.</summary>
    StoreFull,
}
