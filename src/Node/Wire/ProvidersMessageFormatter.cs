using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The <c>[Key(n)]</c> layout of <see cref="ProvidersMessage"/>, an array of 3; see <see cref="WireArrayFormatter{T}"/>.</summary>
internal sealed class ProvidersMessageFormatter : WireArrayFormatter<ProvidersMessage>
{
    protected override int Count => 3;

    protected override void WriteElements(ref MessagePackWriter writer, ProvidersMessage value, MessagePackSerializerOptions options)
    {
        writer.Write(value.RequestId);
        WireElements.WriteContacts(ref writer, value.Providers, options);
        WireElements.WriteContacts(ref writer, value.Closer, options);
    }

    protected override bool ReadElement(ref MessagePackReader reader, ProvidersMessage value, int key, MessagePackSerializerOptions options)
    {
        switch (key)
        {
            case 0:
                value.RequestId = reader.ReadUInt64();
                return true;
            case 1:
                value.Providers = WireElements.ReadContacts(ref reader, options)!;
                return true;
            case 2:
                value.Closer = WireElements.ReadContacts(ref reader, options)!;
                return true;
            default:
                return false;
        }
    }
}
