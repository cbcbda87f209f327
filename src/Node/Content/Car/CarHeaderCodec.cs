using System.Buffers.Binary;
using System.Text;
using P2P.Node.Multiformats;

namespace P2P.Node.Content.Car;

/// <summary>
/// Encodes and decodes the dag-cbor map at the front of a CAR: <c>{"roots": [CID...], "version": 1}</c>
/// (ipld.io/specs/transport/car/carv1, "Header"). A general dag-cbor codec would be a large attack surface for
/// one fixed shape, so this accepts exactly that shape: a definite map of at most two text keys, an array of
/// CIDs as tag 42 over a byte string whose first byte is the 0x00 identity-multibase prefix
/// (ipld.io/specs/codecs/dag-cbor/spec, "Links"), and a small unsigned version. Integer and length arguments
/// must be minimally encoded, as dag-cbor requires. The encoder writes canonical dag-cbor (keys ordered by
/// length, so "roots" before "version"), byte-identical to what go-car and the JavaScript @ipld/car write.
/// </summary>
public static class CarHeaderCodec
{
    private const byte MajorUnsigned = 0;
    private const byte MajorBytes = 2;
    private const byte MajorText = 3;
    private const byte MajorArray = 4;
    private const byte MajorMap = 5;
    private const byte MajorTag = 6;
    private const ulong CidTag = 42;

    private static readonly byte[] RootsKey = "roots"u8.ToArray();
    private static readonly byte[] VersionKey = "version"u8.ToArray();

    /// <summary>The header of a CARv1 file with <paramref name="roots"/>, without its varint length prefix.</summary>
    public static byte[] Encode(IReadOnlyList<Cid> roots)
    {
        using var ms = new MemoryStream();
        WriteHead(ms, MajorMap, 2);
        WriteHead(ms, MajorText, (ulong)RootsKey.Length);
        ms.Write(RootsKey);
        WriteHead(ms, MajorArray, (ulong)roots.Count);
        foreach (var root in roots)
        {
            WriteHead(ms, MajorTag, CidTag);
            WriteHead(ms, MajorBytes, (ulong)root.Bytes.Length + 1);
            ms.WriteByte(0x00);
            ms.Write(root.Bytes);
        }
        WriteHead(ms, MajorText, (ulong)VersionKey.Length);
        ms.Write(VersionKey);
        WriteHead(ms, MajorUnsigned, 1);
        return ms.ToArray();
    }

    /// <summary>Decodes a header; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static CarHeader Decode(ReadOnlySpan<byte> source, int maxRoots)
    {
        var pos = 0;
        var entries = ReadHead(source, ref pos, MajorMap, "header");
        if (entries is 0 or > 2)
            throw Bad($"header map has {entries} entries; expected 'roots' and 'version'");
        IReadOnlyList<Cid>? roots = null;
        ulong? version = null;
        for (ulong i = 0; i < entries; i++)
        {
            var keyLength = ReadHead(source, ref pos, MajorText, "header key");
            var key = Take(source, ref pos, keyLength, "header key");
            if (key.SequenceEqual(RootsKey) && roots is null)
                roots = ReadRoots(source, ref pos, maxRoots);
            else if (key.SequenceEqual(VersionKey) && version is null)
                version = ReadHead(source, ref pos, MajorUnsigned, "version");
            else
                throw Bad($"unexpected or repeated header key '{Printable(key)}'");
        }
        if (pos != source.Length)
            throw Bad($"{source.Length - pos} trailing bytes after the header map");
        if (version is null)
            throw Bad("header has no version");
        if (version is not (1 or 2))
            throw Bad($"unsupported CAR version {version}");
        if (version == 1 && roots is null)
            throw Bad("CARv1 header has no roots");
        return new CarHeader((int)version.Value, roots ?? []);
    }

    private static List<Cid> ReadRoots(ReadOnlySpan<byte> source, ref int pos, int maxRoots)
    {
        var count = ReadHead(source, ref pos, MajorArray, "roots");
        if (count > (ulong)maxRoots)
            throw Bad($"header lists {count} roots; at most {maxRoots} are accepted");
        var roots = new List<Cid>((int)count);
        for (ulong i = 0; i < count; i++)
        {
            var tag = ReadHead(source, ref pos, MajorTag, "root");
            if (tag != CidTag)
                throw Bad($"root {i} has CBOR tag {tag}, not 42 (CID)");
            var length = ReadHead(source, ref pos, MajorBytes, "root");
            var bytes = Take(source, ref pos, length, "root");
            if (bytes.Length < 2 || bytes[0] != 0x00)
                throw Bad($"root {i} lacks the 0x00 multibase prefix of a dag-cbor CID");
            if (!Cid.TryRead(bytes[1..], out var cid, out var used, out var error) || used != bytes.Length - 1)
                throw Bad($"root {i} is not a valid CID: {error ?? "trailing bytes"}");
            roots.Add(cid!);
        }
        return roots;
    }

    /// <summary>Reads a CBOR head of the expected major type and returns its argument (RFC 8949 section 3).</summary>
    private static ulong ReadHead(ReadOnlySpan<byte> source, ref int pos, byte major, string what)
    {
        if (pos >= source.Length)
            throw Bad($"header ends inside the {what}");
        var initial = source[pos++];
        if (initial >> 5 != major)
            throw Bad($"{what}: expected CBOR major type {major}, found {initial >> 5}");
        var info = initial & 0x1F;
        if (info < 24)
            return (ulong)info;
        var size = info switch { 24 => 1, 25 => 2, 26 => 4, 27 => 8, _ => 0 };
        if (size == 0)
            throw Bad($"{what}: indefinite or reserved CBOR length (additional info {info})");
        if (source.Length - pos < size)
            throw Bad($"header ends inside the {what}");
        var arg = source.Slice(pos, size);
        pos += size;
        var value = size switch
        {
            1 => arg[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(arg),
            4 => BinaryPrimitives.ReadUInt32BigEndian(arg),
            _ => BinaryPrimitives.ReadUInt64BigEndian(arg),
        };
        var minimum = size switch { 1 => 24UL, 2 => 0x100UL, 4 => 0x1_0000UL, _ => 0x1_0000_0000UL };
        if (value < minimum)
            throw Bad($"{what}: CBOR argument {value} is not minimally encoded");
        return value;
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> source, ref int pos, ulong length, string what)
    {
        if (length > (ulong)(source.Length - pos))
            throw Bad($"header ends inside the {what}");
        var slice = source.Slice(pos, (int)length);
        pos += (int)length;
        return slice;
    }

    private static void WriteHead(Stream destination, byte major, ulong value)
    {
        Span<byte> head = stackalloc byte[9];
        var top = (byte)(major << 5);
        int length;
        if (value < 24)
        {
            head[0] = (byte)(top | (byte)value);
            length = 1;
        }
        else if (value <= byte.MaxValue)
        {
            head[0] = (byte)(top | 24);
            head[1] = (byte)value;
            length = 2;
        }
        else if (value <= ushort.MaxValue)
        {
            head[0] = (byte)(top | 25);
            BinaryPrimitives.WriteUInt16BigEndian(head[1..], (ushort)value);
            length = 3;
        }
        else if (value <= uint.MaxValue)
        {
            head[0] = (byte)(top | 26);
            BinaryPrimitives.WriteUInt32BigEndian(head[1..], (uint)value);
            length = 5;
        }
        else
        {
            head[0] = (byte)(top | 27);
            BinaryPrimitives.WriteUInt64BigEndian(head[1..], value);
            length = 9;
        }
        destination.Write(head[..length]);
    }

    private static string Printable(ReadOnlySpan<byte> key)
    {
        var text = Encoding.UTF8.GetString(key[..Math.Min(key.Length, 32)]);
        return new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }

    private static InvalidDataException Bad(string message) => new($"invalid CAR header: {message}");
}
