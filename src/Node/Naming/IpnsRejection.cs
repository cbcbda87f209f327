namespace P2P.Node.Naming;

/// <summary>Why <see cref="IpnsValidator"/> refused a record, for the counters of whoever received it.</summary>
public enum IpnsRejection
{
    None,

    /// <summary>Over <see cref="IpnsRecord.MaxSize"/>.</summary>
    TooLarge,

    /// <summary>Not an IpnsEntry, or its data is not the CBOR map the spec requires.</summary>
    Malformed,

    /// <summary>No usable public key: none inlined in the name or carried by the record, or one of another type.</summary>
    NoKey,

    /// <summary>The record's public key is not the one the name is the hash of.</summary>
    WrongKey,

    /// <summary>signatureV2 does not verify over "ipns-signature:" + data.</summary>
    BadSignature,

    /// <summary>A legacy V1 protobuf field differs from the signed CBOR data.</summary>
    FieldMismatch,

    /// <summary>The record's EOL has passed.</summary>
    Expired,
}
