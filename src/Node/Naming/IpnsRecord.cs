using System.Text;
using P2P.Node.Security;

namespace P2P.Node.Naming;

/// <summary>
/// An IPNS record (IPNS spec, "Record Serialization Format"): the protobuf <c>IpnsEntry</c> with the signed DAG-CBOR
/// <c>data</c> (<see cref="IpnsData"/>) and <c>signatureV2</c> over "ipns-signature:" + data. The properties are the
/// signed values from <c>data</c>; the legacy V1 copies in the protobuf are kept only to check they agree
/// (<see cref="IpnsValidator"/>). Parsing checks the shape and size, not the signature or the expiry: that is
/// <see cref="IpnsValidator.Validate(IpnsName, ReadOnlySpan{byte}, DateTimeOffset, out string)"/>'s job.
/// </summary>
public sealed class IpnsRecord
{
    /// <summary>The spec's record size limit (IPNS spec, "Record Size Limit"): 10 KiB of serialized IpnsEntry.</summary>
    public const int MaxSize = 10 * 1024;

    /// <summary>ValidityType EOL, the only one defined: Validity is the end of the record's life.</summary>
    public const ulong ValidityEol = 0;

    /// <summary>kubo's defaults (boxo ipns/defaults.go): a record lives 48 h (the DHT's window), is cached 5 min.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(48);

    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(5);

    private static ReadOnlySpan<byte> SignaturePrefix => "ipns-signature:"u8;

    private IpnsRecord(byte[] bytes, IpnsEntry entry, IpnsData data, DateTimeOffset validity, int subTickNanoseconds)
    {
        Bytes = bytes;
        Entry = entry;
        Signed = data;
        Validity = validity;
        ValiditySubTickNanoseconds = subTickNanoseconds;
    }

    /// <summary>The serialized record as received or created.</summary>
    public byte[] Bytes { get; }

    /// <summary>The signed path the name points to, e.g. <c>/ipfs/bafy…</c> (the raw bytes may not be UTF-8: see <see cref="ValueBytes"/>).</summary>
    public string Value => Encoding.UTF8.GetString(Signed.Value);

    public ReadOnlySpan<byte> ValueBytes => Signed.Value;

    public ulong Sequence => Signed.Sequence;

    /// <summary>The end of the record's life (ValidityType EOL), to 100 ns; see <see cref="ValiditySubTickNanoseconds"/>.</summary>
    public DateTimeOffset Validity { get; }

    /// <summary>The nanoseconds below a .NET tick (0-99) of the Validity text, so records compare exactly.</summary>
    public int ValiditySubTickNanoseconds { get; }

    /// <summary>The Validity as written in the record.</summary>
    public string ValidityText => Encoding.ASCII.GetString(Signed.Validity);

    public ulong TtlNanoseconds => Signed.Ttl;

    /// <summary>How long a resolver may cache the record; a TTL beyond TimeSpan's range is clamped to its largest value.</summary>
    public TimeSpan Ttl => Signed.Ttl / 100 > (ulong)TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)(Signed.Ttl / 100));

    /// <summary>The serialized libp2p PublicKey carried in the record, or empty (Ed25519 names inline their key).</summary>
    public ReadOnlySpan<byte> PublicKey => Entry.PubKey;

    /// <summary>True when the record carries the legacy V1 fields (value, signatureV1), which must match the data.</summary>
    public bool HasV1Fields => Entry.SignatureV1.Length > 0 || Entry.Value.Length > 0;

    internal IpnsEntry Entry { get; }

    internal IpnsData Signed { get; }

    /// <summary>The bytes signatureV2 signs: "ipns-signature:" followed by the CBOR data.</summary>
    internal static byte[] SignedBytes(ReadOnlySpan<byte> data)
    {
        var bytes = new byte[SignaturePrefix.Length + data.Length];
        SignaturePrefix.CopyTo(bytes);
        data.CopyTo(bytes.AsSpan(SignaturePrefix.Length));
        return bytes;
    }

    /// <summary>
    /// A record signed by <paramref name="key"/> pointing at <paramref name="value"/>. By default V2 only, as the spec
    /// recommends (IPNS spec, "Record Creation"); <paramref name="v1Compatible"/> adds the legacy V1 copies and
    /// signatureV1 (kubo's default today) for readers older than 2021. The key is inlined in an Ed25519 name, so
    /// pubKey is left out. Throws <see cref="ArgumentException"/> when the record would exceed <see cref="MaxSize"/>.
    /// </summary>
    public static byte[] Create(NodeIdentity key, string value, ulong sequence, DateTimeOffset eol, TimeSpan ttl, bool v1Compatible = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var valueBytes = Encoding.UTF8.GetBytes(value);
        var validity = Encoding.ASCII.GetBytes(Rfc3339.Format(eol));
        var ttlNanoseconds = ttl <= TimeSpan.Zero ? 0UL : (ulong)ttl.Ticks * 100;
        var data = new IpnsData(valueBytes, validity, ValidityEol, sequence, ttlNanoseconds).Encode();
        var entry = new IpnsEntry { Data = data, SignatureV2 = key.Sign(SignedBytes(data)) };
        if (v1Compatible)
        {
            entry.Value = valueBytes;
            entry.Validity = validity;
            entry.ValidityType = ValidityEol;
            entry.Sequence = sequence;
            entry.Ttl = ttlNanoseconds;
            // boxo's V1 signature input: value, validity, then the validity type's enum name ("EOL").
            entry.SignatureV1 = key.Sign([.. valueBytes, .. validity, .. "EOL"u8]);
        }
        var bytes = entry.Encode();
        if (bytes.Length > MaxSize)
            throw new ArgumentException($"the record would be {bytes.Length} bytes, over the {MaxSize}-byte limit of IPNS records", nameof(value));
        return bytes;
    }

    /// <summary>Reads a serialized record; false with a one-line reason when it is oversized or malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out IpnsRecord record, out string error)
    {
        record = null!;
        if (bytes.Length > MaxSize)
        {
            error = $"record is {bytes.Length} bytes, over the {MaxSize}-byte limit";
            return false;
        }
        var copy = bytes.ToArray();
        if (!IpnsEntry.TryDecode(copy, out var entry, out error))
            return false;
        if (entry!.SignatureV2.Length == 0)
        {
            error = "record has no signatureV2";
            return false;
        }
        if (entry.Data.Length == 0)
        {
            error = "record has no data";
            return false;
        }
        if (!IpnsData.TryDecode(entry.Data, out var data, out error))
            return false;
        if (data!.ValidityType != ValidityEol)
        {
            error = $"unsupported validity type {data.ValidityType}";
            return false;
        }
        if (!Rfc3339.TryParse(Encoding.ASCII.GetString(data.Validity), out var validity, out var subTick))
        {
            error = "record validity is not an RFC 3339 time";
            return false;
        }
        record = new IpnsRecord(copy, entry, data, validity, subTick);
        error = "";
        return true;
    }

    /// <summary>A short description for logs: never the signature, always the sequence and the value.</summary>
    public override string ToString() => $"seq {Sequence} -> {Value} (valid until {ValidityText})";
}
