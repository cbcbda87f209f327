using P2P.Node.Content.DagPb;

namespace P2P.Node.Naming;

/// <summary>
/// The protobuf envelope of an IPNS record, field for field as the IPNS spec's <c>message IpnsEntry</c> (and boxo's
/// ipns/pb/record.proto): value 1, signatureV1 2, validityType 3 (enum), validity 4, sequence 5, ttl 6, pubKey 7,
/// signatureV2 8, data 9. Written in field order, the optional V1 fields only when set. Unknown fields are skipped
/// when read (protobuf's rule, and the spec asks that changes stay additive); a known field of the wrong wire type
/// or a length past the end is refused.
/// </summary>
internal sealed class IpnsEntry
{
    private const int ValueField = 1;
    private const int SignatureV1Field = 2;
    private const int ValidityTypeField = 3;
    private const int ValidityField = 4;
    private const int SequenceField = 5;
    private const int TtlField = 6;
    private const int PubKeyField = 7;
    private const int SignatureV2Field = 8;
    private const int DataField = 9;

    public byte[] Value { get; set; } = [];

    public byte[] SignatureV1 { get; set; } = [];

    public ulong? ValidityType { get; set; }

    public byte[] Validity { get; set; } = [];

    public ulong? Sequence { get; set; }

    public ulong? Ttl { get; set; }

    public byte[] PubKey { get; set; } = [];

    public byte[] SignatureV2 { get; set; } = [];

    public byte[] Data { get; set; } = [];

    public byte[] Encode()
    {
        var size = BytesSize(Value) + BytesSize(SignatureV1) + VarintSize(ValidityType) + BytesSize(Validity) + VarintSize(Sequence)
            + VarintSize(Ttl) + BytesSize(PubKey) + BytesSize(SignatureV2) + BytesSize(Data);
        var bytes = new byte[size];
        var writer = new ProtoWriter(bytes);
        WriteBytes(ref writer, ValueField, Value);
        WriteBytes(ref writer, SignatureV1Field, SignatureV1);
        WriteVarint(ref writer, ValidityTypeField, ValidityType);
        WriteBytes(ref writer, ValidityField, Validity);
        WriteVarint(ref writer, SequenceField, Sequence);
        WriteVarint(ref writer, TtlField, Ttl);
        WriteBytes(ref writer, PubKeyField, PubKey);
        WriteBytes(ref writer, SignatureV2Field, SignatureV2);
        WriteBytes(ref writer, DataField, Data);
        return bytes;
    }

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out IpnsEntry? entry, out string error)
    {
        entry = null;
        var result = new IpnsEntry();
        var reader = new ProtoReader(bytes);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadKey(out var field, out var wire))
            {
                error = "record is not a protobuf IpnsEntry";
                return false;
            }
            var ok = field switch
            {
                ValueField => ReadBytes(ref reader, wire, v => result.Value = v),
                SignatureV1Field => ReadBytes(ref reader, wire, v => result.SignatureV1 = v),
                ValidityTypeField => ReadVarint(ref reader, wire, v => result.ValidityType = v),
                ValidityField => ReadBytes(ref reader, wire, v => result.Validity = v),
                SequenceField => ReadVarint(ref reader, wire, v => result.Sequence = v),
                TtlField => ReadVarint(ref reader, wire, v => result.Ttl = v),
                PubKeyField => ReadBytes(ref reader, wire, v => result.PubKey = v),
                SignatureV2Field => ReadBytes(ref reader, wire, v => result.SignatureV2 = v),
                DataField => ReadBytes(ref reader, wire, v => result.Data = v),
                _ => reader.TrySkip(wire),
            };
            if (!ok)
            {
                error = $"record's protobuf field {field} is malformed";
                return false;
            }
        }
        entry = result;
        error = "";
        return true;
    }

    private static bool ReadBytes(ref ProtoReader reader, int wire, Action<byte[]> set)
    {
        if (wire != ProtoReader.LengthDelimited || !reader.TryReadBytes(out var value))
            return false;
        set(value.ToArray());
        return true;
    }

    private static bool ReadVarint(ref ProtoReader reader, int wire, Action<ulong> set)
    {
        if (wire != ProtoReader.Varint || !reader.TryReadVarint(out var value))
            return false;
        set(value);
        return true;
    }

    private static int BytesSize(byte[] value) => value.Length == 0 ? 0 : ProtoWriter.BytesFieldSize(value.Length);

    private static int VarintSize(ulong? value) => value is { } v ? ProtoWriter.VarintFieldSize(v) : 0;

    private static void WriteBytes(ref ProtoWriter writer, int field, byte[] value)
    {
        if (value.Length > 0)
            writer.WriteBytesField(field, value);
    }

    private static void WriteVarint(ref ProtoWriter writer, int field, ulong? value)
    {
        if (value is { } v)
            writer.WriteVarintField(field, v);
    }
}
