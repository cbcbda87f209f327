using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The <c>[Key(n)]</c> layout of <see cref="ValueMessage"/>, an array of 3; see <see cref="WireArrayFormatter{T}"/>.</summary>
internal sealed class ValueMessageFormatter : WireArrayFormatter<ValueMessage>
{
    protected override int Count => 3;

    protected override void WriteElements(ref MessagePackWriter writer, ValueMessage value, MessagePackSerializerOptions options)
    {
        writer.Write(value.RequestId);
        writer.Write(value.Value);
        WireElements.WriteContacts(ref writer, value.Closer, options);
    }

    protected override bool ReadElement(ref MessagePackReader reader, ValueMessage value, int key, MessagePackSerializerOptions options)
    {
        switch (key)
        {
            case 0:
                value.RequestId = reader.ReadUInt64();
                return true;
            case 1:
                value.Value = WireElements.ReadBin(ref reader);
                return true;
            case 2:
                value.Closer = WireElements.ReadContacts(ref reader, options)!;
                return true;
            default:
                return false;
        }
    }
}
