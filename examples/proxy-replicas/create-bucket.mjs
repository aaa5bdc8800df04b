// Creates the replicas' bucket on the S3 server once (compose's create-bucket service), with the
// AWS SDK that the gopave image already carries. An existing bucket is fine.
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";

// The SDK's notice that its 2027 releases need Node 22 is noise here, as it is for gopave.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const bucket = process.env.BUCKET ?? "gopave";
const client = new S3Client({
  endpoint: process.env.S3_ENDPOINT ?? "http://s3:7070",
  region: process.env.AWS_REGION ?? "us-east-1",
  forcePathStyle: true,
});
try {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  console.log(`created bucket ${bucket}`);
} catch (err) {
  if (err?.name !== "BucketAlreadyOwnedByYou" && err?.name !== "BucketAlreadyExists") throw err;
  console.log(`bucket ${bucket} exists`);
}
