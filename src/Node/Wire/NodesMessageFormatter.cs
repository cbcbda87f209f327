using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The <c>[Key(n)]</c> layout of <see cref="NodesMessage"/>, an array of 2; see <see cref="WireArrayFormatter{T}"/>.</summary>
internal sealed class NodesMessageFormatter : WireArrayFormatter<NodesMessage>
{
    protected override int Count => 2;

    protected override void WriteElements(ref MessagePackWriter writer, NodesMessage value, MessagePackSerializerOptions options)
    {
        writer.Write(value.RequestId);
        WireElements.WriteContacts(ref writer, value.Contacts, options);
    }

    protected override bool ReadElement(ref MessagePackReader reader, NodesMessage value, int key, MessagePackSerializerOptions options)
    {
        switch (key)
        {
            case 0:
                value.RequestId = reader.ReadUInt64();
                return true;
            case 1:
                value.Contacts = WireElements.ReadContacts(ref reader, options)!;
                return true;
            default:
                return false;
        }
    }
}
