using P2P.Node.Security;

namespace P2P.Node.Naming;

/// <summary>
/// Record verification as the IPNS spec lays it out ("Record Verification"), and the choice between two valid
/// records that boxo's validator makes (ipns/validation.go). The DHT runs it on every record it stores or returns and
/// the resolver on every answer, so nothing here throws on hostile input: each refusal comes back with its
/// <see cref="IpnsRejection"/> and a one-line reason.
/// </summary>
public static class IpnsValidator
{
    /// <summary>True when <paramref name="record"/> is a valid, unexpired record of <paramref name="name"/> at <paramref name="now"/>.</summary>
    public static bool Validate(IpnsName name, ReadOnlySpan<byte> record, DateTimeOffset now, out string reason) =>
        Validate(name, record, now, out _, out _, out reason);

    /// <summary>As the short form, also giving the parsed record (when valid) and the kind of refusal (to count it).</summary>
    public static bool Validate(IpnsName name, ReadOnlySpan<byte> record, DateTimeOffset now,
        out IpnsRecord? parsed, out IpnsRejection rejection, out string reason)
    {
        ArgumentNullException.ThrowIfNull(name);
        parsed = null;
        // 1. Size first, before any parsing work (spec: "Record Size Limit").
        if (record.Length > IpnsRecord.MaxSize)
            return Refuse(IpnsRejection.TooLarge, $"record is {record.Length} bytes, over the {IpnsRecord.MaxSize}-byte limit", out rejection, out reason);
        // 2. signatureV2 and data present, data a CBOR map with every field.
        if (!IpnsRecord.TryParse(record, out var candidate, out var error))
            return Refuse(IpnsRejection.Malformed, error, out rejection, out reason);
        // 3. The public key: the record's pubKey when it carries one (it must hash to the name), else the name's own.
        if (!TryGetPublicKey(name, candidate, out var publicKey, out rejection, out reason))
            return false;
        // 5-6. signatureV2 over "ipns-signature:" + the raw data bytes (never signatureV1).
        if (!NodeIdentity.Verify(publicKey, IpnsRecord.SignedBytes(candidate.Entry.Data), candidate.Entry.SignatureV2))
            return Refuse(IpnsRejection.BadSignature, "signatureV2 does not verify with the name's key", out rejection, out reason);
        // 7. Legacy V1 copies must say what the signed data says.
        if (candidate.HasV1Fields && MismatchedField(candidate) is { } field)
            return Refuse(IpnsRejection.FieldMismatch, $"field {field} differs between the protobuf and the signed data", out rejection, out reason);
        // 8. EOL not passed.
        if (candidate.Validity <= now)
            return Refuse(IpnsRejection.Expired, $"record expired at {candidate.ValidityText}", out rejection, out reason);
        parsed = candidate;
        rejection = IpnsRejection.None;
        reason = "";
        return true;
    }

    /// <summary>
    /// Orders two valid records of one name: positive when <paramref name="a"/> is newer, negative when older, 0 when
    /// neither wins. The higher sequence wins, then the later EOL (boxo's compare; every valid record has signatureV2,
    /// so boxo's first rule, V2 over V1-only, never decides here).
    /// </summary>
    public static int Compare(IpnsRecord a, IpnsRecord b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var bySequence = a.Sequence.CompareTo(b.Sequence);
        if (bySequence != 0)
            return bySequence;
        var byEol = a.Validity.CompareTo(b.Validity);
        return byEol != 0 ? byEol : a.ValiditySubTickNanoseconds.CompareTo(b.ValiditySubTickNanoseconds);
    }

    /// <summary>
    /// The index of the best of <paramref name="records"/> (all valid records of one name), -1 for none: the newest by
    /// <see cref="Compare"/>, ties broken by the larger serialized bytes, as boxo's Select does, so every node that
    /// sees the same set picks the same record.
    /// </summary>
    public static int Select(IReadOnlyList<IpnsRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var best = -1;
        for (var i = 0; i < records.Count; i++)
        {
            if (best < 0)
            {
                best = i;
                continue;
            }
            var order = Compare(records[i], records[best]);
            if (order == 0)
                order = records[i].Bytes.AsSpan().SequenceCompareTo(records[best].Bytes);
            if (order > 0)
                best = i;
        }
        return best;
    }

    private static bool TryGetPublicKey(IpnsName name, IpnsRecord record, out byte[] publicKey, out IpnsRejection rejection, out string reason)
    {
        publicKey = [];
        ReadOnlySpan<byte> message;
        if (record.PublicKey.Length > 0)
        {
            if (!name.Names(record.PublicKey))
                return Refuse(IpnsRejection.WrongKey, "the record's public key is not the key of the name", out rejection, out reason);
            message = record.PublicKey;
        }
        else if (name.Multihash.Code == Multiformats.Multicodec.Identity)
            message = name.Multihash.Digest;
        else
            return Refuse(IpnsRejection.NoKey, "the name hashes its key and the record does not carry it", out rejection, out reason);
        if (!Libp2pKey.TryDecodePublicKey(message, out var key, out var error))
            return Refuse(IpnsRejection.NoKey, error, out rejection, out reason);
        publicKey = key!;
        rejection = IpnsRejection.None;
        reason = "";
        return true;
    }

    /// <summary>The first V1 field whose value differs from the signed data (a missing field reads as its default, as in boxo).</summary>
    private static string? MismatchedField(IpnsRecord record)
    {
        var entry = record.Entry;
        var data = record.Signed;
        if (!entry.Value.AsSpan().SequenceEqual(data.Value))
            return IpnsData.ValueKey;
        if (!entry.Validity.AsSpan().SequenceEqual(data.Validity))
            return IpnsData.ValidityKey;
        if ((entry.ValidityType ?? 0) != data.ValidityType)
            return IpnsData.ValidityTypeKey;
        if ((entry.Sequence ?? 0) != data.Sequence)
            return IpnsData.SequenceKey;
        if ((entry.Ttl ?? 0) != data.Ttl)
            return IpnsData.TtlKey;
        return null;
    }

    private static bool Refuse(IpnsRejection kind, string why, out IpnsRejection rejection, out string reason)
    {
        rejection = kind;
        reason = why;
        return false;
    }
}
