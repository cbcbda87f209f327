using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The <c>[Key(n)]</c> layout of <see cref="WireContact"/>, an array of 6; see <see cref="WireArrayFormatter{T}"/>.</summary>
internal sealed class WireContactFormatter : WireArrayFormatter<WireContact>
{
    protected override int Count => 6;

    protected override void WriteElements(ref MessagePackWriter writer, WireContact value, MessagePackSerializerOptions options)
    {
        writer.Write(value.PeerId);
        writer.Write(value.Address);
        writer.Write(value.Port);
        writer.Write(value.RelayPeerId);
        writer.Write(value.RelayAddress);
        writer.Write(value.RelayPort);
    }

    protected override bool ReadElement(ref MessagePackReader reader, WireContact value, int key, MessagePackSerializerOptions options)
    {
        switch (key)
        {
            case 0:
                value.PeerId = WireElements.ReadBin(ref reader)!;
                return true;
            case 1:
                value.Address = WireElements.ReadBin(ref reader)!;
                return true;
            case 2:
                value.Port = reader.ReadUInt16();
                return true;
            case 3:
                value.RelayPeerId = WireElements.ReadBin(ref reader);
                return true;
            case 4:
                value.RelayAddress = WireElements.ReadBin(ref reader);
                return true;
            case 5:
                value.RelayPort = reader.ReadUInt16();
                return true;
            default:
                return false;
        }
    }
}
