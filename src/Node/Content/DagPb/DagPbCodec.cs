using System.Text;
using P2P.Node.Multiformats;

namespace P2P.Node.Content.DagPb;

/// <summary>
/// Canonical dag-pb encoding and strict decoding (ipld.io/specs/codecs/dag-pb/spec).
/// Hand-written rather than generated: the schema is two messages of five fields, the spec demands an order
/// that generated code does not give (every Link before Data although Data is field 1), and a hand decoder
/// can check each length before it allocates. The decoder accepts only canonical bytes (fields in spec order,
/// no duplicates, no unknown fields, minimal varints, UTF-8 names), so decode then encode returns the input.
/// </summary>
public static class DagPbCodec
{
    /// <summary>Largest block accepted: the bitswap and kubo limit of 2 MiB.</summary>
    public const int MaxBlockSize = 2 * 1024 * 1024;

    /// <summary>Most links one node may carry; kubo's largest flat directories and 1024-link files stay far below.</summary>
    public const int MaxLinks = 65_536;

    private const int LinksField = 2;
    private const int DataField = 1;
    private const int LinkHashField = 1;
    private const int LinkNameField = 2;
    private const int LinkTsizeField = 3;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static int GetEncodedLength(PbNode node)
    {
        long total = 0;
        foreach (var link in node.Links)
            total += ProtoWriter.BytesFieldSize(LinkLength(link));
        if (node.Data is { } data)
            total += ProtoWriter.BytesFieldSize(data.Length);
        if (total > int.MaxValue)
            throw new ArgumentException("dag-pb node is too large to encode", nameof(node));
        return (int)total;
    }

    public static byte[] Encode(PbNode node)
    {
        var bytes = new byte[GetEncodedLength(node)];
        Encode(node, bytes);
        return bytes;
    }

    /// <summary>Writes the canonical form into <paramref name="destination"/> and returns the bytes written.</summary>
    public static int Encode(PbNode node, Span<byte> destination)
    {
        var length = GetEncodedLength(node);
        if (destination.Length < length)
            throw new ArgumentException($"destination holds {destination.Length} bytes, node needs {length}", nameof(destination));
        var writer = new ProtoWriter(destination);
        foreach (var link in node.Links)
        {
            writer.WriteLengthPrefix(LinksField, LinkLength(link));
            writer.WriteBytesField(LinkHashField, link.Hash.Bytes);
            if (link.Name is { } name)
                writer.WriteStringField(LinkNameField, name);
            if (link.Tsize is { } tsize)
                writer.WriteVarintField(LinkTsizeField, tsize);
        }
        if (node.Data is { } data)
            writer.WriteBytesField(DataField, data.Span);
        return writer.Position;
    }

    private static int LinkLength(PbLink link)
    {
        var length = ProtoWriter.BytesFieldSize(link.Hash.Bytes.Length);
        if (link.Name is { } name)
            length += ProtoWriter.BytesFieldSize(Encoding.UTF8.GetByteCount(name));
        if (link.Tsize is { } tsize)
            length += ProtoWriter.VarintFieldSize(tsize);
        return length;
    }

    /// <summary>Decodes a block; throws <see cref="InvalidDataException"/> with a one-line reason when malformed.</summary>
    public static PbNode Decode(ReadOnlyMemory<byte> block)
    {
        if (block.Length > MaxBlockSize)
            throw new InvalidDataException($"dag-pb block of {block.Length} bytes exceeds the {MaxBlockSize}-byte limit");
        var span = block.Span;
        var reader = new ProtoReader(span);
        var links = new List<PbLink>();
        ReadOnlyMemory<byte>? data = null;
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag("dag-pb node", minimal: true);
            if (wireType != 2)
                throw new InvalidDataException($"dag-pb node field {field} has wire type {wireType}, expected 2");
            if (data is not null)
                throw new InvalidDataException("dag-pb node has a field after Data (Data must be last and appear once)");
            var (start, length) = reader.ReadLengthDelimited("dag-pb node field", minimal: true);
            switch (field)
            {
                case LinksField:
                    if (links.Count == MaxLinks)
                        throw new InvalidDataException($"dag-pb node has more than {MaxLinks} links");
                    links.Add(DecodeLink(span.Slice(start, length)));
                    break;
                case DataField:
                    data = block.Slice(start, length);
                    break;
                default:
                    throw new InvalidDataException($"dag-pb node has unknown field {field}");
            }
        }
        return new PbNode(links, data);
    }

    public static bool TryDecode(ReadOnlyMemory<byte> block, out PbNode? node, out string? error)
    {
        try
        {
            node = Decode(block);
            error = null;
            return true;
        }
        catch (InvalidDataException e)
        {
            node = null;
            error = e.Message;
            return false;
        }
    }

    private static PbLink DecodeLink(ReadOnlySpan<byte> span)
    {
        var reader = new ProtoReader(span);
        Cid? hash = null;
        string? name = null;
        ulong? tsize = null;
        var last = 0;
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag("dag-pb link", minimal: true);
            if (field <= last)
                throw new InvalidDataException($"dag-pb link field {field} is duplicated or out of order");
            last = field;
            switch (field)
            {
                case LinkHashField when wireType == 2:
                    var (hs, hl) = reader.ReadLengthDelimited("dag-pb link Hash", minimal: true);
                    if (!Cid.TryRead(span.Slice(hs, hl), out hash, out var used, out var error))
                        throw new InvalidDataException($"dag-pb link Hash is not a CID: {error}");
                    if (used != hl)
                        throw new InvalidDataException("dag-pb link Hash has trailing bytes after the CID");
                    break;
                case LinkNameField when wireType == 2:
                    var (ns, nl) = reader.ReadLengthDelimited("dag-pb link Name", minimal: true);
                    try
                    {
                        name = StrictUtf8.GetString(span.Slice(ns, nl));
                    }
                    catch (DecoderFallbackException)
                    {
                        throw new InvalidDataException("dag-pb link Name is not valid UTF-8");
                    }
                    break;
                case LinkTsizeField when wireType == 0:
                    tsize = reader.ReadVarint("dag-pb link Tsize", minimal: true);
                    break;
                case LinkHashField or LinkNameField or LinkTsizeField:
                    throw new InvalidDataException($"dag-pb link field {field} has wrong wire type {wireType}");
                default:
                    throw new InvalidDataException($"dag-pb link has unknown field {field}");
            }
        }
        if (hash is null)
            throw new InvalidDataException("dag-pb link has no Hash");
        return new PbLink(hash, name, tsize);
    }
}
