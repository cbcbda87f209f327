using System.Buffers;
using MessagePack;

namespace P2P.Node.Wire;

/// <summary>
/// Fields shared by several messages, written and read as MessagePack's built-in formatters for <c>byte[]</c> and
/// <c>List&lt;T&gt;</c> did (nil for null, a bin, an array of elements), so the bytes on the wire are unchanged.
/// </summary>
internal static class WireElements
{
    private static readonly WireContactFormatter Contact = new();

    /// <summary>A bin, or nil as null.</summary>
    public static byte[]? ReadBin(ref MessagePackReader reader) => reader.ReadBytes()?.ToArray();

    public static void WriteCids(ref MessagePackWriter writer, List<byte[]>? cids)
    {
        if (cids is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(cids.Count);
        foreach (var cid in cids)
            writer.Write(cid);
    }

    public static List<byte[]>? ReadCids(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        // The reader refuses a count larger than the bytes left, so the list's capacity is bounded by the capped input.
        var count = reader.ReadArrayHeader();
        var cids = new List<byte[]>(count);
        options.Security.DepthStep(ref reader);
        try
        {
            for (var i = 0; i < count; i++)
                cids.Add(ReadBin(ref reader)!);
        }
        finally
        {
            reader.Depth--;
        }
        return cids;
    }

    public static void WriteContact(ref MessagePackWriter writer, WireContact? contact, MessagePackSerializerOptions options) =>
        Contact.Serialize(ref writer, contact, options);

    public static WireContact? ReadContact(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        Contact.Deserialize(ref reader, options);

    public static void WriteContacts(ref MessagePackWriter writer, List<WireContact>? contacts, MessagePackSerializerOptions options)
    {
        if (contacts is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(contacts.Count);
        foreach (var contact in contacts)
            Contact.Serialize(ref writer, contact, options);
    }

    public static List<WireContact>? ReadContacts(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        var count = reader.ReadArrayHeader();
        var contacts = new List<WireContact>(count);
        options.Security.DepthStep(ref reader);
        try
        {
            for (var i = 0; i < count; i++)
                contacts.Add(Contact.Deserialize(ref reader, options)!);
        }
        finally
        {
            reader.Depth--;
        }
        return contacts;
    }
}
