using System.Buffers.Binary;
using System.Net;
using P2P.Node.Nat.PortMapping;

namespace P2P.Node.Tests.Nat;

/// <summary>NAT-PMP (RFC 6886) and PCP (RFC 6887) messages as bytes, and what the decoders refuse.</summary>
public class PortMappingCodecTests
{
    private static readonly byte[] Nonce = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

    [Fact]
    public void NatPmpMapRequest_IsTheTwelveBytesOfSection3_3()
    {
        var b = NatPmpMessage.MapRequest(MappedProtocol.Tcp, 4001, 4002, 7200);
        Assert.Equal(new byte[] { 0, 2, 0, 0, 0x0f, 0xa1, 0x0f, 0xa2, 0, 0, 0x1c, 0x20 }, b);
        Assert.Equal(new byte[] { 0, 0 }, NatPmpMessage.ExternalAddressRequest());
    }

    [Fact]
    public void NatPmpAnswers_ParseWhenWellFormed()
    {
        byte[] address = [0, 128, 0, 0, 0, 0, 1, 0, 11, 78, 1, 1];
        Assert.Equal(IPAddress.Parse("11.78.1.1"), NatPmpMessage.ParseExternalAddress(address));
        var map = NatPmpAnswer(opcode: 129, result: 0, internalPort: 4001, externalPort: 40001, lifetime: 3600);
        Assert.Equal((40001, 3600u), NatPmpMessage.ParseMapResponse(map, MappedProtocol.Udp, 4001));
    }

    [Theory]
    [InlineData(130, 0, 4001)] // a TCP answer to a UDP request
    [InlineData(129, 2, 4001)] // refused
    [InlineData(129, 0, 4002)] // another internal port
    public void NatPmpMapAnswer_ThatDoesNotMatch_IsRefused(int opcode, int result, int internalPort)
    {
        var map = NatPmpAnswer((byte)opcode, (ushort)result, (ushort)internalPort, 40001, 3600);
        Assert.Null(NatPmpMessage.ParseMapResponse(map, MappedProtocol.Udp, 4001));
    }

    [Fact]
    public void NatPmpDecoders_RefuseEveryTruncationAndGarbage()
    {
        var map = NatPmpAnswer(129, 0, 4001, 40001, 3600);
        for (var n = 0; n < map.Length; n++)
            Assert.Null(NatPmpMessage.ParseMapResponse(map.AsSpan(0, n), MappedProtocol.Udp, 4001));
        var random = new Random(13);
        for (var i = 0; i < 2000; i++)
        {
            var junk = new byte[random.Next(0, 40)];
            random.NextBytes(junk);
            if (junk.Length > 0)
                junk[0] = NatPmpMessage.Version;
            Assert.Null(NatPmpMessage.ParseExternalAddress(junk));
            Assert.Null(NatPmpMessage.ParseMapResponse(junk, MappedProtocol.Udp, 4001));
        }
    }

    [Fact]
    public void PcpMapRequest_LaysOutHeaderAndMapBody()
    {
        var b = PcpMessage.MapRequest(Nonce, MappedProtocol.Udp, IPAddress.Parse("10.77.1.2"), 4001, 4001, 7200);
        Assert.Equal(60, b.Length);
        Assert.Equal(2, b[0]);
        Assert.Equal(1, b[1]);
        Assert.Equal(7200u, BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(4)));
        Assert.Equal(IPAddress.Parse("::ffff:10.77.1.2"), new IPAddress(b.AsSpan(8, 16)));
        Assert.Equal(Nonce, b[24..36]);
        Assert.Equal(17, b[36]);
        Assert.Equal(4001, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(40)));
        Assert.Equal(IPAddress.Parse("::ffff:0.0.0.0"), new IPAddress(b.AsSpan(44, 16)));
    }

    [Fact]
    public void PcpMapAnswer_RoundTripsTheAssignedEndpoint()
    {
        var answer = PcpAnswer(result: 0, Nonce, protocol: 17, internalPort: 4001, externalPort: 4001, "11.78.1.1", lifetime: 7200);
        var parsed = PcpMessage.ParseMapResponse(answer, Nonce, MappedProtocol.Udp, 4001);
        Assert.Equal((new IPEndPoint(IPAddress.Parse("11.78.1.1"), 4001), 7200u), parsed);
    }

    [Fact]
    public void PcpMapAnswer_WithAnotherNonceProtocolPortOrResult_IsRefused()
    {
        byte[] otherNonce = [.. Nonce.Reverse()];
        Assert.Null(PcpMessage.ParseMapResponse(PcpAnswer(0, otherNonce, 17, 4001, 4001, "11.78.1.1", 60), Nonce, MappedProtocol.Udp, 4001));
        Assert.Null(PcpMessage.ParseMapResponse(PcpAnswer(0, Nonce, 6, 4001, 4001, "11.78.1.1", 60), Nonce, MappedProtocol.Udp, 4001));
        Assert.Null(PcpMessage.ParseMapResponse(PcpAnswer(0, Nonce, 17, 4002, 4001, "11.78.1.1", 60), Nonce, MappedProtocol.Udp, 4001));
        Assert.Null(PcpMessage.ParseMapResponse(PcpAnswer(0, Nonce, 17, 4001, 0, "11.78.1.1", 60), Nonce, MappedProtocol.Udp, 4001));
        var refused = PcpAnswer(2, Nonce, 17, 4001, 4001, "11.78.1.1", 60);
        Assert.Equal((byte)2, PcpMessage.ResultCode(refused));
        Assert.Null(PcpMessage.ParseMapResponse(refused, Nonce, MappedProtocol.Udp, 4001));
        Assert.Equal("NOT_AUTHORIZED", PcpMessage.Describe(2));
    }

    [Fact]
    public void PcpDecoder_RefusesEveryTruncationAndRandomBytes()
    {
        var answer = PcpAnswer(0, Nonce, 17, 4001, 4001, "11.78.1.1", 60);
        for (var n = 0; n < answer.Length; n++)
            Assert.Null(PcpMessage.ParseMapResponse(answer.AsSpan(0, n), Nonce, MappedProtocol.Udp, 4001));
        var random = new Random(6887);
        for (var i = 0; i < 2000; i++)
        {
            var junk = new byte[random.Next(0, 120)];
            random.NextBytes(junk);
            Assert.Null(PcpMessage.ParseMapResponse(junk, Nonce, MappedProtocol.Udp, 4001));
        }
    }

    [Fact]
    public void DefaultGateway_ParsesProcNetRoute()
    {
        const string table = """
            Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
            eth0	00014D0A	00000000	0001	0	0	0	00FFFFFF	0	0	0
            eth1	00000000	01024D0A	0003	0	0	200	00000000	0	0	0
            eth0	00000000	01014D0A	0003	0	0	100	00000000	0	0	0
            bad line
            eth2	00000000	zz	0003	0	0	1	00000000	0	0	0
            """;
        Assert.Equal(IPAddress.Parse("10.77.1.1"), DefaultGateway.Parse(table));
        Assert.Null(DefaultGateway.Parse("Iface\tDestination\n"));
        Assert.Null(DefaultGateway.Parse("Iface\nlo\t00000000\t0100007F\t0001\t0\t0\t0\t00000000\t0\t0\t0\n"));
    }

    private static byte[] NatPmpAnswer(byte opcode, ushort result, ushort internalPort, ushort externalPort, uint lifetime)
    {
        var b = new byte[16];
        b[1] = opcode;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), result);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), 99);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(8), internalPort);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(10), externalPort);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(12), lifetime);
        return b;
    }

    internal static byte[] PcpAnswer(byte result, byte[] nonce, byte protocol, ushort internalPort, ushort externalPort, string external, uint lifetime)
    {
        var b = new byte[60];
        b[0] = 2;
        b[1] = 0x81;
        b[3] = result;
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), lifetime);
        nonce.CopyTo(b.AsSpan(24));
        b[36] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(40), internalPort);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(42), externalPort);
        IPAddress.Parse(external).MapToIPv6().TryWriteBytes(b.AsSpan(44, 16), out _);
        return b;
    }
}
