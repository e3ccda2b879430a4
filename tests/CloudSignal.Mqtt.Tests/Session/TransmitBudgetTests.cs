using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using Microsoft.Extensions.Time.Testing;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>
/// PollTransmit with a byte budget: the driver writes bounded batches (one flush each) and polls
/// again while it returns non-zero; every packet still goes out once, whole and in order.
/// </summary>
public class TransmitBudgetTests
{
    [Fact]
    public void Budget_LargePublishes_OnePerBatchUntilEmpty_InOrder()
    {
        MqttSession session = Connected();
        for (int i = 0; i < 5; i++)
        {
            session.Publish(new OutboundMessage($"t/{i}", new byte[10_000], MqttQos.AtMostOnce));
        }

        var batches = new List<byte[]>();
        var output = new ArrayBufferWriter<byte>();
        while (session.PollTransmit(output, budget: 8_000) is int written and > 0)
        {
            Assert.Equal(written, output.WrittenCount);
            batches.Add(output.WrittenSpan.ToArray());
            output.Clear();
        }

        // Each 10 KB PUBLISH exceeds the 8 KB budget on its own: one per batch, never split.
        Assert.Equal(5, batches.Count);
        for (int i = 0; i < batches.Count; i++)
        {
            var buffer = new ReadOnlySequence<byte>(batches[i]);
            Assert.Equal(OperationStatus.Done, PacketDecoder.TryDecode(ref buffer, MqttProtocolVersion.V500, PacketScanner.ProtocolMaximumPacketSize, out IMqttPacket? packet));
            Assert.True(buffer.IsEmpty);
            Assert.Equal($"t/{i}", Assert.IsType<PublishPacket>(packet).TopicName.ToString());
        }
    }

    [Fact]
    public void Budget_SmallPackets_FilledUpToTheBudget()
    {
        MqttSession session = Connected();
        for (int i = 0; i < 100; i++)
        {
            session.Publish(new OutboundMessage("t", new byte[10], MqttQos.AtMostOnce));
        }

        var output = new ArrayBufferWriter<byte>();
        int first = session.PollTransmit(output, budget: 100);

        // Whole packets until the budget is reached or passed: 16 bytes each (2 + 3 + 1 + 10).
        Assert.Equal(112, first);
        Assert.Equal(100 * 16, first + Drain(session, output));
    }

    [Fact] // the DISCONNECT still closes the session once written, under a budget too
    public void Budget_Disconnect_ClosedAfterItIsWritten()
    {
        MqttSession session = Connected();
        session.Disconnect();
        var output = new ArrayBufferWriter<byte>();

        Assert.True(session.PollTransmit(output, budget: 1) > 0);
        Assert.Equal(SessionState.Disconnected, session.State);
        Assert.Equal(0xE0, output.WrittenSpan[0]);
    }

    private static int Drain(MqttSession session, ArrayBufferWriter<byte> output)
    {
        int total = 0;
        while (session.PollTransmit(output, budget: 100) is int written and > 0)
        {
            total += written;
        }

        return total;
    }

    private static MqttSession Connected()
    {
        var session = new MqttSession(new SessionOptions(), new FakeTimeProvider());
        session.Connect();
        session.PollTransmit(new ArrayBufferWriter<byte>());
        var connAck = new ReadOnlySequence<byte>(new byte[] { 0x20, 0x03, 0x00, 0x00, 0x00 });
        session.HandleReceived(ref connAck);
        Assert.Equal(SessionState.Connected, session.State);
        return session;
    }
}
