using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The <c>[Key(n)]</c> layout of <see cref="AddProviderMessage"/>, an array of 4; see <see cref="WireArrayFormatter{T}"/>.</summary>
internal sealed class AddProviderMessageFormatter : WireArrayFormatter<AddProviderMessage>
{
    protected override int Count => 4;

    protected override void WriteElements(ref MessagePackWriter writer, AddProviderMessage value, MessagePackSerializerOptions options)
    {
        writer.Write(value.RequestId);
        writer.Write(value.Key);
        WireElements.WriteContact(ref writer, value.Provider, options);
        writer.Write(value.Client);
    }

    protected override bool ReadElement(ref MessagePackReader reader, AddProviderMessage value, int key, MessagePackSerializerOptions options)
    {
        switch (key)
        {
            case 0:
                value.RequestId = reader.ReadUInt64();
                return true;
            case 1:
                value.Key = WireElements.ReadBin(ref reader)!;
                return true;
            case 2:
                value.Provider = WireElements.ReadContact(ref reader, options)!;
                return true;
            case 3:
                value.Client = reader.ReadBoolean();
                return true;
            default:
                return false;
        }
    }
}
