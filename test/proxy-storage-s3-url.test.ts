import { describe, expect, it } from "vitest";
import { parseS3Url, redactS3Url } from "../src/proxy/storage/s3-url.js";
import { GopaveError } from "../src/util/errors.js";

describe("s3:// URLs", () => {
  const env = {};

  it("parses bucket, prefix, region, endpoint and path style", () => {
    expect(parseS3Url("s3://my-bucket", env)).toEqual({
      bucket: "my-bucket",
      prefix: "",
      region: "us-east-1",
      forcePathStyle: false,
    });
    expect(
      parseS3Url(
        "s3://team.cache/gopave/proxy/?region=eu-west-1&endpoint=http://127.0.0.1:9000&pathStyle=true",
        env,
      ),
    ).toEqual({
      bucket: "team.cache",
      prefix: "gopave/proxy/",
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
    });
    expect(parseS3Url("s3://b-1/a%20b?endpoint=https%3A%2F%2Fs3.example.com", env)).toMatchObject({
      prefix: "a b/",
      endpoint: "https://s3.example.com",
    });
  });

  it("takes the region from AWS_REGION, then AWS_DEFAULT_REGION, else us-east-1", () => {
    const url = "s3://bucket/x";
    expect(
      parseS3Url(url, { AWS_REGION: "ap-south-1", AWS_DEFAULT_REGION: "sa-east-1" }).region,
    ).toBe("ap-south-1");
    expect(parseS3Url(url, { AWS_DEFAULT_REGION: "sa-east-1" }).region).toBe("sa-east-1");
    expect(parseS3Url(url, {}).region).toBe("us-east-1");
    expect(parseS3Url(url, { AWS_REGION: "" }).region).toBe("us-east-1");
    expect(parseS3Url(`${url}?region=eu-north-1`, { AWS_REGION: "ap-south-1" }).region).toBe(
      "eu-north-1",
    );
  });

  it.each([
    ["s3://", /no bucket/],
    ["s3:///prefix", /no bucket/],
    ["s3://Bucket/x", /not a bucket name/],
    ["s3://ab/x", /not a bucket name/],
    ["s3://bad..name/x", /not a bucket name/],
    ["s3://bucket:9000/x", /endpoint=/],
    ["s3://bucket/a//b", /empty/],
    ["s3://bucket/a/../b", /\.\./],
    ["s3://bucket/a/%2e%2e/b", /\.\./],
    ["s3://bucket/a%2F..%2Fb", /encoded slash/],
    ["s3://bucket/./b", /\.\./],
    ["s3://bucket/x#frag", /fragment/],
    ["s3://bucket/x?regoin=eu-west-1", /unknown parameter "regoin"/],
    ["s3://bucket/x?region=eu-west-1&region=us-east-1", /twice/],
    ["s3://bucket/x?region=EU%20WEST", /not a region/],
    ["s3://bucket/x?pathStyle=yes", /pathStyle/],
    ["s3://bucket/x?endpoint=not-a-url", /not a URL/],
    ["s3://bucket/x?endpoint=ftp://host", /http/],
    ["s3://bucket/x?endpoint=http://host/?q=1", /query/],
  ])("refuses %s", (url, why) => {
    let err: unknown;
    try {
      parseS3Url(url, env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GopaveError);
    expect((err as GopaveError).code).toBe("USAGE");
    expect((err as GopaveError).message).toMatch(why);
    expect((err as GopaveError).hint).toMatch(/AWS_ACCESS_KEY_ID/);
  });

  it.each([
    "s3://AKIAEXAMPLE:Sup3rS3cret@bucket/x",
    "s3://AKIAEXAMPLE:Sup3r/S3cret@bucket/x",
    "s3://:Sup3rS3cret@bucket/x",
    "s3://bucket/x?endpoint=http://AKIAEXAMPLE:Sup3rS3cret@127.0.0.1:9000",
    "s3://bucket/x?endpoint=http%3A%2F%2FAKIAEXAMPLE%3ASup3rS3cret%40127.0.0.1",
    "s3://bucket/x?secret=Sup3rS3cret",
    "s3://bucket/x?Sup3rS3cret",
  ])("refuses credentials in the URL without repeating them: %s", (url) => {
    let err: unknown;
    try {
      parseS3Url(url, env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GopaveError);
    const text = (err as GopaveError).format();
    expect(text).not.toMatch(/S3cret/);
    expect(redactS3Url(url)).not.toMatch(/S3cret/);
  });

  it("keeps the rest of a URL readable when redacting", () => {
    expect(redactS3Url("s3://bucket/x?region=eu-west-1")).toBe("s3://bucket/x?region=eu-west-1");
    expect(redactS3Url("s3://key:secret@bucket/x")).toBe("s3://***@bucket/x");
  });
});
