using P2P.Node.Content.DagPb;

namespace P2P.Node.Content.UnixFs;

/// <summary>
/// The UnixFS <c>Data</c> message carried in a dag-pb node's Data field. Encoding writes fields in field-number
/// order with minimal varints and unpacked blocksizes, which is what kubo (Go protobuf, proto2) writes, so a
/// node built here hashes to kubo's CID. Decoding follows protobuf rules (any order, unknown fields skipped,
/// packed or unpacked blocksizes) because other writers exist, but checks every length first.
/// </summary>
public sealed class UnixFsData
{
    /// <summary>Most blocksizes accepted on decode; a 2 MiB node cannot hold more than this anyway.</summary>
    public const int MaxBlockSizes = 1 << 20;

    public UnixFsType Type { get; init; }

    /// <summary>The inline bytes (file data of a leaf, a symlink target, a HAMT bitfield); null when absent.</summary>
    public ReadOnlyMemory<byte>? Data { get; init; }

    public ulong? FileSize { get; init; }

    public IReadOnlyList<ulong> BlockSizes { get; init; } = [];

    public ulong? HashType { get; init; }

    public ulong? Fanout { get; init; }

    public uint? Mode { get; init; }

    public UnixFsTime? MTime { get; init; }

    public int GetEncodedLength()
    {
        var length = ProtoWriter.VarintFieldSize((ulong)Type);
        if (Data is { } data)
            length += ProtoWriter.BytesFieldSize(data.Length);
        if (FileSize is { } fileSize)
            length += ProtoWriter.VarintFieldSize(fileSize);
        foreach (var size in BlockSizes)
            length += ProtoWriter.VarintFieldSize(size);
        if (HashType is { } hashType)
            length += ProtoWriter.VarintFieldSize(hashType);
        if (Fanout is { } fanout)
            length += ProtoWriter.VarintFieldSize(fanout);
        if (Mode is { } mode)
            length += ProtoWriter.VarintFieldSize(mode);
        if (MTime is { } mtime)
            length += ProtoWriter.BytesFieldSize(TimeLength(mtime));
        return length;
    }

    public byte[] Encode()
    {
        var bytes = new byte[GetEncodedLength()];
        Encode(bytes);
        return bytes;
    }

    public int Encode(Span<byte> destination)
    {
        var writer = new ProtoWriter(destination);
        writer.WriteVarintField(1, (ulong)Type);
        if (Data is { } data)
            writer.WriteBytesField(2, data.Span);
        if (FileSize is { } fileSize)
            writer.WriteVarintField(3, fileSize);
        foreach (var size in BlockSizes)
            writer.WriteVarintField(4, size);
        if (HashType is { } hashType)
            writer.WriteVarintField(5, hashType);
        if (Fanout is { } fanout)
            writer.WriteVarintField(6, fanout);
        if (Mode is { } mode)
            writer.WriteVarintField(7, mode);
        if (MTime is { } mtime)
        {
            writer.WriteLengthPrefix(8, TimeLength(mtime));
            // int64 seconds travel as a two's-complement varint, as protobuf's int64 does.
            writer.WriteVarintField(1, unchecked((ulong)mtime.Seconds));
            if (mtime.FractionalNanoseconds is { } nanos)
                writer.WriteFixed32Field(2, nanos);
        }
        return writer.Position;
    }

    private static int TimeLength(UnixFsTime time) =>
        ProtoWriter.VarintFieldSize(unchecked((ulong)time.Seconds)) + (time.FractionalNanoseconds is null ? 0 : 5);

    /// <summary>Decodes; throws <see cref="InvalidDataException"/> with a one-line reason when malformed.</summary>
    public static UnixFsData Decode(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        var reader = new ProtoReader(span);
        ulong? type = null;
        ReadOnlyMemory<byte>? data = null;
        ulong? fileSize = null, hashType = null, fanout = null;
        uint? mode = null;
        UnixFsTime? mtime = null;
        var blockSizes = new List<ulong>();
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag("UnixFS Data", minimal: false);
            switch (field)
            {
                case 1 when wire == 0:
                    type = reader.ReadVarint("UnixFS Type", minimal: false);
                    break;
                case 2 when wire == 2:
                    var (ds, dl) = reader.ReadLengthDelimited("UnixFS Data.Data", minimal: false);
                    data = bytes.Slice(ds, dl);
                    break;
                case 3 when wire == 0:
                    fileSize = reader.ReadVarint("UnixFS filesize", minimal: false);
                    break;
                case 4 when wire == 0:
                    AddBlockSize(blockSizes, reader.ReadVarint("UnixFS blocksizes", minimal: false));
                    break;
                case 4 when wire == 2:
                    var (ps, pl) = reader.ReadLengthDelimited("UnixFS packed blocksizes", minimal: false);
                    var packed = new ProtoReader(span.Slice(ps, pl));
                    while (!packed.End)
                        AddBlockSize(blockSizes, packed.ReadVarint("UnixFS packed blocksizes", minimal: false));
                    break;
                case 5 when wire == 0:
                    hashType = reader.ReadVarint("UnixFS hashType", minimal: false);
                    break;
                case 6 when wire == 0:
                    fanout = reader.ReadVarint("UnixFS fanout", minimal: false);
                    break;
                case 7 when wire == 0:
                    mode = (uint)reader.ReadVarint("UnixFS mode", minimal: false);
                    break;
                case 8 when wire == 2:
                    var (ts, tl) = reader.ReadLengthDelimited("UnixFS mtime", minimal: false);
                    mtime = DecodeTime(span.Slice(ts, tl));
                    break;
                case >= 1 and <= 8:
                    throw new InvalidDataException($"UnixFS field {field} has wrong wire type {wire}");
                default:
                    reader.Skip(wire, "UnixFS Data");
                    break;
            }
        }
        if (type is null)
            throw new InvalidDataException("UnixFS Data has no Type");
        if (type > (ulong)UnixFsType.HamtShard)
            throw new InvalidDataException($"UnixFS Type {type} is unknown");
        return new UnixFsData
        {
            Type = (UnixFsType)type.Value,
            Data = data,
            FileSize = fileSize,
            BlockSizes = blockSizes,
            HashType = hashType,
            Fanout = fanout,
            Mode = mode,
            MTime = mtime,
        };
    }

    public static bool TryDecode(ReadOnlyMemory<byte> bytes, out UnixFsData? data, out string? error)
    {
        try
        {
            data = Decode(bytes);
            error = null;
            return true;
        }
        catch (InvalidDataException e)
        {
            data = null;
            error = e.Message;
            return false;
        }
    }

    private static void AddBlockSize(List<ulong> sizes, ulong size)
    {
        if (sizes.Count == MaxBlockSizes)
            throw new InvalidDataException($"UnixFS Data has more than {MaxBlockSizes} blocksizes");
        sizes.Add(size);
    }

    private static UnixFsTime DecodeTime(ReadOnlySpan<byte> span)
    {
        var reader = new ProtoReader(span);
        long? seconds = null;
        uint? nanos = null;
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag("UnixFS mtime", minimal: false);
            if (field == 1 && wire == 0)
                seconds = unchecked((long)reader.ReadVarint("UnixFS mtime Seconds", minimal: false));
            else if (field == 2 && wire == 5)
                nanos = reader.ReadFixed32("UnixFS mtime FractionalNanoseconds");
            else if (field is 1 or 2)
                throw new InvalidDataException($"UnixFS mtime field {field} has wrong wire type {wire}");
            else
                reader.Skip(wire, "UnixFS mtime");
        }
        return seconds is null
            ? throw new InvalidDataException("UnixFS mtime has no Seconds")
            : new UnixFsTime(seconds.Value, nanos);
    }
}
